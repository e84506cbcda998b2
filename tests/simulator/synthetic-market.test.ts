import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/index.js';
import { decodeEvent, DEFAULT_DECODE_LIMITS } from '../../src/events/decode-event.js';
import { newSimTick, SyntheticMarket, tickToJson, type MarketOptions, type SimTick } from '../../src/simulator/index.js';

const YEAR = 365.25 * 24 * 3600;

function take(market: SyntheticMarket, n: number): SimTick[] {
  const out: SimTick[] = [];
  for (let i = 0; i < n; i++) out.push(market.next(newSimTick()));
  return out;
}

/** Log returns of consecutive ticks of one symbol, labelled with the regime of the later tick. */
function returnsByRegime(ticks: readonly SimTick[]): Record<string, number[]> {
  const prev = new Map<string, number>();
  const byRegime: Record<string, number[]> = { calm: [], turbulent: [] };
  for (const t of ticks) {
    const p = prev.get(t.symbol);
    if (p !== undefined) byRegime[t.regime].push(Math.log(t.price / p));
    prev.set(t.symbol, t.price);
  }
  return byRegime;
}

function std(xs: readonly number[]): number {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
}

describe('SyntheticMarket', () => {
  it('produces the same ticks for the same seed and different ones for another seed', () => {
    const a = take(new SyntheticMarket({ seed: 7, symbols: 5, startTs: 0 }), 2000).map(tickToJson);
    const b = take(new SyntheticMarket({ seed: 7, symbols: 5, startTs: 0 }), 2000).map(tickToJson);
    const c = take(new SyntheticMarket({ seed: 8, symbols: 5, startTs: 0 }), 2000).map(tickToJson);
    expect(b).toEqual(a);
    expect(c.filter((line, i) => line !== a[i]).length).toBeGreaterThan(1900);
  });

  it('keeps prices positive and on the tick grid even when volatility is extreme', () => {
    const market = new SyntheticMarket({
      seed: 3, symbols: 4, startTs: 0, initialPrice: { min: 0.05, max: 2 },
      calm: { vol: 5, leaveProbability: 0.1, volumeFactor: 1 }, turbulent: { vol: 10, leaveProbability: 0.1, volumeFactor: 1 },
      stepSeconds: 86_400,
    });
    const offGrid: number[] = [];
    let lowest = Infinity;
    for (const { price } of take(market, 50_000)) {
      lowest = Math.min(lowest, price);
      // must print with at most two decimals, i.e. be the double nearest to a multiple of 0.01
      if (!/^\d+(\.\d{1,2})?$/.test(String(price))) offGrid.push(price);
    }
    expect(lowest).toBe(0.01);
    expect(offGrid).toEqual([]);
  });

  it('draws each regime with its configured annualised volatility', () => {
    const opts: Partial<MarketOptions> = {
      seed: 11, symbols: 4, startTs: 0, drift: 0,
      // high prices make the rounding to 0.01 negligible against the per-step moves
      initialPrice: { min: 5_000, max: 10_000 },
      calm: { vol: 0.2, leaveProbability: 0.01, volumeFactor: 1 },
      turbulent: { vol: 0.8, leaveProbability: 0.02, volumeFactor: 1 },
    };
    const byRegime = returnsByRegime(take(new SyntheticMarket(opts), 200_000));
    const perStep = (vol: number): number => vol * Math.sqrt(60 / YEAR);
    expect(byRegime.calm.length).toBeGreaterThan(50_000);
    expect(byRegime.turbulent.length).toBeGreaterThan(25_000);
    expect(std(byRegime.calm) / perStep(0.2)).toBeGreaterThan(0.9);
    expect(std(byRegime.calm) / perStep(0.2)).toBeLessThan(1.1);
    expect(std(byRegime.turbulent) / perStep(0.8)).toBeGreaterThan(0.9);
    expect(std(byRegime.turbulent) / perStep(0.8)).toBeLessThan(1.1);
  });

  it('keeps the default market close to its configured volatilities despite tick rounding', () => {
    const byRegime = returnsByRegime(take(new SyntheticMarket({ seed: 5, symbols: 8, startTs: 0 }), 400_000));
    const perStep = (vol: number): number => vol * Math.sqrt(60 / YEAR);
    expect(std(byRegime.calm) / perStep(0.2)).toBeGreaterThan(0.8);
    expect(std(byRegime.calm) / perStep(0.2)).toBeLessThan(1.3);
    expect(std(byRegime.turbulent) / perStep(0.8)).toBeGreaterThan(0.8);
    expect(std(byRegime.turbulent) / perStep(0.8)).toBeLessThan(1.3);
  });

  it('switches regimes like the configured Markov chain', () => {
    const p = 0.01;
    const q = 0.05;
    const market = new SyntheticMarket({
      seed: 2, symbols: 1, startTs: 0,
      calm: { vol: 0.2, leaveProbability: p, volumeFactor: 1 }, turbulent: { vol: 0.8, leaveProbability: q, volumeFactor: 1 },
    });
    const regimes = take(market, 300_000).map((t) => t.regime);
    const turbulentShare = regimes.filter((r) => r === 'turbulent').length / regimes.length;
    expect(turbulentShare).toBeGreaterThan(0.7 * (p / (p + q)));
    expect(turbulentShare).toBeLessThan(1.3 * (p / (p + q)));
    let leftCalm = 0;
    let calmTicks = 0;
    for (let i = 1; i < regimes.length; i++) {
      if (regimes[i - 1] !== 'calm') continue;
      calmTicks++;
      if (regimes[i] === 'turbulent') leftCalm++;
    }
    expect(leftCalm / calmTicks).toBeGreaterThan(0.8 * p);
    expect(leftCalm / calmTicks).toBeLessThan(1.2 * p);
  });

  it('follows the drift exactly when volatility is zero', () => {
    const drift = 2;
    const market = new SyntheticMarket({
      seed: 9, symbols: 1, startTs: 0, drift, stepSeconds: 3600, initialPrice: { min: 1000, max: 1000 },
      calm: { vol: 0, leaveProbability: 0, volumeFactor: 1 }, turbulent: { vol: 0, leaveProbability: 0, volumeFactor: 1 },
    });
    const ticks = take(market, 1000);
    const expected = 1000 * Math.exp(drift * (3600 / YEAR) * 1000);
    expect(Math.abs(ticks[999].price - expected)).toBeLessThanOrEqual(0.006);
  });

  it('draws log-normal integer volumes scaled by the regime', () => {
    const market = new SyntheticMarket({
      seed: 4, symbols: 3, startTs: 0, volume: { median: 300, sigma: 0.5 },
      calm: { vol: 0.2, leaveProbability: 0.01, volumeFactor: 1 }, turbulent: { vol: 0.8, leaveProbability: 0.01, volumeFactor: 3 },
    });
    const ticks = take(market, 100_000);
    expect(ticks.filter((t) => !Number.isInteger(t.volume) || t.volume < 1)).toEqual([]);
    for (const [regime, median] of [['calm', 300], ['turbulent', 900]] as const) {
      const logs = ticks.filter((t) => t.regime === regime).map((t) => Math.log(t.volume)).sort((a, b) => a - b);
      expect(Math.abs(logs[Math.floor(logs.length / 2)] - Math.log(median))).toBeLessThan(0.05);
      expect(std(logs)).toBeGreaterThan(0.45);
      expect(std(logs)).toBeLessThan(0.55);
    }
  });

  it('advances timestamps at the rate and visits symbols in turn when asked to', () => {
    const ticks = take(new SyntheticMarket({ seed: 1, symbols: 3, rate: 400, startTs: 1_000_000, order: 'round_robin' }), 9);
    expect(ticks.map((t) => t.ts)).toEqual([1_000_000, 1_000_002, 1_000_005, 1_000_007, 1_000_010, 1_000_012, 1_000_015, 1_000_017, 1_000_020]);
    expect(ticks.map((t) => t.symbol)).toEqual(['SYM000', 'SYM001', 'SYM002', 'SYM000', 'SYM001', 'SYM002', 'SYM000', 'SYM001', 'SYM002']);
  });

  it('picks symbols uniformly at random by default', () => {
    const counts = new Map<string, number>();
    for (const t of take(new SyntheticMarket({ seed: 1, symbols: 10, startTs: 0 }), 50_000)) {
      counts.set(t.symbol, (counts.get(t.symbol) ?? 0) + 1);
    }
    expect(counts.size).toBe(10);
    for (const n of counts.values()) expect(Math.abs(n - 5000)).toBeLessThan(400);
  });

  it('names symbols so that they sort in index order', () => {
    expect(new SyntheticMarket({ symbols: 2, startTs: 0 }).symbols).toEqual(['SYM000', 'SYM001']);
    const many = new SyntheticMarket({ symbols: 1500, startTs: 0 }).symbols;
    expect(many[0]).toBe('SYM0000');
    expect(many[1499]).toBe('SYM1499');
    expect([...many].sort()).toEqual(many);
  });

  it('emits ticks that are valid input events of the contract', () => {
    const market = new SyntheticMarket({ seed: 6, symbols: 2, startTs: 1_764_167_400_000 });
    const tick = market.next(newSimTick());
    const decoded = decodeEvent(tickToJson(tick), tick.symbol, { kind: 'tick', inputSize: 3, ...DEFAULT_DECODE_LIMITS });
    expect(decoded).toEqual({ ok: true, event: { kind: 'tick', key: tick.symbol, ts: tick.ts, price: tick.price, volume: tick.volume, end: false } });
    expect(Object.keys(JSON.parse(tickToJson(tick)))).toEqual(['symbol', 'ts', 'price', 'volume']);
  });

  it('rejects invalid options with an error naming the option and the rule', () => {
    expect(() => new SyntheticMarket({ symbols: 0 })).toThrow(ConfigError);
    expect(() => new SyntheticMarket({ symbols: 0 })).toThrow(/symbols = 0: must be an integer in \[1, 1000000\]/);
    expect(() => new SyntheticMarket({ rate: -1 })).toThrow(/rate = -1: must be a number > 0/);
    expect(() => new SyntheticMarket({ calm: { vol: 0.2, leaveProbability: 2, volumeFactor: 1 } })).toThrow(/calm\.leaveProbability = 2/);
    expect(() => new SyntheticMarket({ initialPrice: { min: 10, max: 5 } })).toThrow(/initialPrice\.max = 5/);
  });
});
