import { ConfigError } from '../errors/index.js';
import type { RegimeParams } from './regime.js';

/** How the simulator picks the symbol of the next tick. */
export type SymbolOrder = 'round_robin' | 'random';

/** Parameters of the synthetic market; every field has a documented default (docs/simulator.md). */
export interface MarketOptions {
  /** Number of symbols (SYM000, SYM001, ...). */
  readonly symbols: number;
  /** Seed of the one generator behind every draw: same seed and options, same ticks. */
  readonly seed: number;
  /** Events per second across all symbols; tick i has ts = startTs + i * 1000 / rate (ms, rounded down). */
  readonly rate: number;
  /** Timestamp of the first tick, epoch milliseconds. */
  readonly startTs: number;
  /**
   * random (default): a uniformly drawn symbol per tick, so a symbol's time gaps vary as in a real
   * market; round_robin: tick i belongs to symbol i mod N (every symbol ticks every N/rate s).
   */
  readonly order: SymbolOrder;
  /** Market time one tick of a symbol stands for, in seconds (GBM step dt; default a one-minute bar). */
  readonly stepSeconds: number;
  /** Annualised drift mu of every symbol (log price drifts by (mu - vol^2 / 2) dt per step). */
  readonly drift: number;
  readonly calm: RegimeParams;
  readonly turbulent: RegimeParams;
  /** Initial prices are log-uniform in [min, max], rounded to the tick size. */
  readonly initialPrice: { readonly min: number; readonly max: number };
  /** Price grid: prices are rounded to a multiple of this (never below one tick). */
  readonly tickSize: number;
  /** Volumes are round(exp(ln(median * regime factor) + sigma * Z)), at least 1. */
  readonly volume: { readonly median: number; readonly sigma: number };
}

/** Seconds in the year the annualised volatility and drift refer to (365.25 days: the market never closes). */
export const SECONDS_PER_YEAR = 365.25 * 24 * 3600;

/** Defaults of every market parameter except `startTs` (see docs/simulator.md for the rationale). */
export const DEFAULT_MARKET_OPTIONS: Omit<MarketOptions, 'startTs'> = Object.freeze({
  symbols: 8,
  seed: 42,
  rate: 200,
  order: 'random',
  stepSeconds: 60,
  drift: 0.05,
  calm: Object.freeze({ vol: 0.2, leaveProbability: 0.002, volumeFactor: 1 }),
  turbulent: Object.freeze({ vol: 0.8, leaveProbability: 0.02, volumeFactor: 2.5 }),
  initialPrice: Object.freeze({ min: 50, max: 500 }),
  tickSize: 0.01,
  volume: Object.freeze({ median: 200, sigma: 0.8 }),
});

/** Largest accepted number of symbols (keeps per-symbol arrays and names bounded). */
export const MAX_SYMBOLS = 1_000_000;

/**
 * Fills defaults and checks every parameter; throws a ConfigError naming the option, the value
 * and the rule. `startTs` defaults to `now`.
 */
export function resolveMarketOptions(partial: Partial<MarketOptions>, now: number): MarketOptions {
  const o: MarketOptions = { ...DEFAULT_MARKET_OPTIONS, startTs: now, ...partial };
  const check = (ok: boolean, key: string, value: unknown, rule: string): void => {
    if (!ok) throw new ConfigError(`market option ${key} = ${JSON.stringify(value)}: ${rule}`, { key });
  };
  check(Number.isInteger(o.symbols) && o.symbols >= 1 && o.symbols <= MAX_SYMBOLS, 'symbols', o.symbols, `must be an integer in [1, ${MAX_SYMBOLS}]`);
  check(Number.isInteger(o.seed), 'seed', o.seed, 'must be an integer');
  check(Number.isFinite(o.rate) && o.rate > 0, 'rate', o.rate, 'must be a number > 0 (events per second)');
  check(Number.isFinite(o.startTs) && o.startTs >= 0, 'startTs', o.startTs, 'must be epoch milliseconds >= 0');
  check(o.order === 'round_robin' || o.order === 'random', 'order', o.order, 'must be round_robin or random');
  check(Number.isFinite(o.stepSeconds) && o.stepSeconds > 0, 'stepSeconds', o.stepSeconds, 'must be > 0');
  check(Number.isFinite(o.drift) && Math.abs(o.drift) <= 10, 'drift', o.drift, 'must be a finite annual rate in [-10, 10]');
  for (const name of ['calm', 'turbulent'] as const) {
    const r = o[name];
    check(Number.isFinite(r.vol) && r.vol >= 0 && r.vol <= 10, `${name}.vol`, r.vol, 'must be an annualised volatility in [0, 10]');
    check(r.leaveProbability >= 0 && r.leaveProbability <= 1, `${name}.leaveProbability`, r.leaveProbability, 'must be a probability in [0, 1]');
    check(Number.isFinite(r.volumeFactor) && r.volumeFactor > 0, `${name}.volumeFactor`, r.volumeFactor, 'must be > 0');
  }
  check(Number.isFinite(o.tickSize) && o.tickSize > 0, 'tickSize', o.tickSize, 'must be > 0');
  const { min, max } = o.initialPrice;
  check(Number.isFinite(min) && min >= o.tickSize, 'initialPrice.min', min, 'must be at least one tick');
  check(Number.isFinite(max) && max >= min, 'initialPrice.max', max, 'must be >= initialPrice.min');
  check(Number.isFinite(o.volume.median) && o.volume.median >= 1, 'volume.median', o.volume.median, 'must be >= 1');
  check(Number.isFinite(o.volume.sigma) && o.volume.sigma >= 0 && o.volume.sigma <= 5, 'volume.sigma', o.volume.sigma, 'must be in [0, 5]');
  return Object.freeze(o);
}
