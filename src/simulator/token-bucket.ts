import { ConfigError } from '../errors/index.js';

/**
 * A token bucket pacing events to a rate: tokens accrue at `rate` per second up to `capacity`
 * (the largest burst), and each event spends one. Callers batch: ask how many are available,
 * send that many, and sleep {@link msUntil} when none are. The clock (milliseconds, monotonic)
 * is injected so that tests need no timers.
 */
export class TokenBucket {
  readonly rate: number;
  readonly capacity: number;
  private tokens: number;
  private last: number;
  private readonly now: () => number;

  /** Starts empty, so the first second produces `rate` events rather than `capacity` + `rate`. */
  constructor(rate: number, capacity: number, now: () => number = () => performance.now()) {
    if (!(Number.isFinite(rate) && rate > 0)) throw new ConfigError(`rate = ${rate}: must be a number > 0 (events per second)`, { key: 'rate' });
    if (!(Number.isFinite(capacity) && capacity >= 1)) throw new ConfigError(`capacity = ${capacity}: must be >= 1`, { key: 'capacity' });
    this.rate = rate;
    this.capacity = capacity;
    this.now = now;
    this.tokens = 0;
    this.last = now();
  }

  /** Whole tokens available now (after refilling for the time elapsed). */
  available(): number {
    const t = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((t - this.last) * this.rate) / 1000);
    this.last = t;
    return Math.floor(this.tokens);
  }

  /** Spends `n` tokens; callers take at most what {@link available} returned. */
  take(n: number): void {
    this.tokens -= n;
  }

  /** Milliseconds until `n` whole tokens are available (0 if they are now); n <= capacity. */
  msUntil(n = 1): number {
    const missing = n - this.available() - (this.tokens - Math.floor(this.tokens));
    return missing <= 0 ? 0 : Math.ceil((missing * 1000) / this.rate);
  }
}
