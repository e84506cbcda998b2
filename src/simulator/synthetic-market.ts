/**
 * A seeded synthetic market: N symbols, each a geometric Brownian motion whose volatility
 * follows a two-state Markov chain (calm / turbulent, see regime.ts). Per tick of a symbol,
 * with dt = stepSeconds / SECONDS_PER_YEAR and sigma the volatility of the (new) regime:
 *
 *     regime  <- switch with probability leaveProbability of the current regime
 *     ln S    <- ln S + (mu - sigma^2 / 2) dt + sigma sqrt(dt) Z,   Z ~ N(0, 1)
 *     price    = S rounded to the tick size (at least one tick); S itself is never rounded
 *     volume   = max(1, round(median * volumeFactor(regime) * exp(volumeSigma * Z')))
 *
 * Timestamps advance at `rate` events per second across all symbols. One SeededRandom drives
 * every draw in a fixed order, so the same options give the same ticks on every machine.
 */
import { SeededRandom } from '../model/random.js';
import { resolveMarketOptions, SECONDS_PER_YEAR, type MarketOptions } from './market-options.js';
import { CALM, REGIMES, stationaryShares, TURBULENT, type RegimeParams } from './regime.js';
import type { SimTick } from './sim-tick.js';
import { symbolName } from './symbol-name.js';

/** Generator of ticks; see the file header for the model. */
export class SyntheticMarket {
  readonly options: MarketOptions;
  /** Symbol names, by index. */
  readonly symbols: readonly string[];
  private readonly rng: SeededRandom;
  private readonly logPrice: Float64Array;
  private readonly regime: Uint8Array;
  private readonly params: readonly [RegimeParams, RegimeParams];
  private readonly logDrift: Float64Array;
  private readonly stepVol: Float64Array;
  private readonly logMedianVolume: Float64Array;
  private readonly priceScale: number;
  private readonly tickSize: number;
  private count = 0;

  /** `options` are completed and checked by resolveMarketOptions (startTs defaults to now). */
  constructor(options: Partial<MarketOptions> = {}) {
    const o = resolveMarketOptions(options, Date.now());
    this.options = o;
    this.rng = new SeededRandom(o.seed);
    this.params = [o.calm, o.turbulent];
    const dt = o.stepSeconds / SECONDS_PER_YEAR;
    this.logDrift = Float64Array.from(this.params, (r) => (o.drift - (r.vol * r.vol) / 2) * dt);
    this.stepVol = Float64Array.from(this.params, (r) => r.vol * Math.sqrt(dt));
    this.logMedianVolume = Float64Array.from(this.params, (r) => Math.log(o.volume.median * r.volumeFactor));
    this.tickSize = o.tickSize;
    this.priceScale = 10 ** decimalsOf(o.tickSize);
    this.symbols = Array.from({ length: o.symbols }, (_, i) => symbolName(i, o.symbols));
    this.logPrice = new Float64Array(o.symbols);
    this.regime = new Uint8Array(o.symbols);
    const lo = Math.log(o.initialPrice.min);
    const hi = Math.log(o.initialPrice.max);
    // Each symbol starts in a regime drawn from the chain's stationary distribution (calm if the chain never moves).
    const pTurbulent = o.calm.leaveProbability + o.turbulent.leaveProbability > 0 ? stationaryShares(o.calm, o.turbulent)[1] : 0;
    for (let i = 0; i < o.symbols; i++) {
      this.logPrice[i] = this.rng.uniform(lo, hi);
      this.regime[i] = this.rng.next() < pTurbulent ? TURBULENT : CALM;
    }
  }

  /** Number of ticks produced so far. */
  get produced(): number {
    return this.count;
  }

  /** Writes the next tick into `out` and returns it. Allocates nothing. */
  next(out: SimTick): SimTick {
    const o = this.options;
    const rng = this.rng;
    const i = o.order === 'round_robin' ? this.count % o.symbols : rng.int(o.symbols);
    let r = this.regime[i];
    if (rng.next() < this.params[r].leaveProbability) r = this.regime[i] = r === CALM ? TURBULENT : CALM;
    const lp = (this.logPrice[i] += this.logDrift[r] + this.stepVol[r] * rng.normal());
    const ticks = Math.max(1, Math.round(Math.exp(lp) / this.tickSize));
    const volume = Math.round(Math.exp(this.logMedianVolume[r] + o.volume.sigma * rng.normal()));
    out.symbol = this.symbols[i];
    out.symbolIndex = i;
    out.ts = o.startTs + Math.floor((this.count * 1000) / o.rate);
    out.price = Math.round(ticks * this.tickSize * this.priceScale) / this.priceScale;
    out.volume = Math.max(1, volume);
    out.regime = REGIMES[r];
    this.count++;
    return out;
  }
}

/** Decimal places of a tick size such as 0.01 or 0.05 (at most 10), so prices print exactly. */
function decimalsOf(tick: number): number {
  for (let d = 0; d <= 10; d++) if (Math.abs(Math.round(tick * 10 ** d) - tick * 10 ** d) < 1e-9) return d;
  return 10;
}
