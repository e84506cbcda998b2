import { ConfigError } from '../errors/index.js';
import { newSimTick, type SimTick } from './sim-tick.js';
import type { SyntheticMarket } from './synthetic-market.js';
import { TokenBucket } from './token-bucket.js';

/** A monotonic clock in milliseconds and a sleep that ends early (without error) on abort. */
export interface PaceClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Options of {@link paceTicks}. */
export interface PaceTicksOptions {
  readonly market: SyntheticMarket;
  /** Events per second; sending is paced to it with a token bucket holding one second of events. */
  readonly rate: number;
  /** Stop after this many ticks; undefined runs until `signal` aborts. */
  readonly count?: number;
  /** Largest batch handed to `onBatch` (default 1,000). */
  readonly maxBatch?: number;
  /** Stops the run after the batch in hand. */
  readonly signal?: AbortSignal;
  readonly clock?: PaceClock;
  /**
   * Receives each batch: the first `n` entries of `ticks` are valid. The tick objects are reused
   * for the next batch once the returned promise settles, so serialise them before that.
   */
  onBatch(ticks: readonly SimTick[], n: number): void | Promise<void>;
}

/** What a paced run did. */
export interface PaceTicksResult {
  readonly produced: number;
  readonly batches: number;
  readonly elapsedMs: number;
}

/** Real time: performance.now and setTimeout. */
export const REAL_CLOCK: PaceClock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    }),
};

/**
 * Draws ticks from `market` and hands them to `onBatch` in batches, paced to `rate`: a batch is
 * whatever the token bucket allows (at least 10 ms worth of events, at most `maxBatch`), and the
 * next batch starts only after `onBatch` settled, so a slow consumer slows the run down instead
 * of queueing ticks (it then catches up by at most one second of events). Ticks keep the
 * market's own timestamps. An error from `onBatch` ends the run and is rethrown.
 */
export async function paceTicks(opts: PaceTicksOptions): Promise<PaceTicksResult> {
  const clock = opts.clock ?? REAL_CLOCK;
  const maxBatch = opts.maxBatch ?? 1000;
  if (!(Number.isInteger(maxBatch) && maxBatch >= 1)) throw new ConfigError(`maxBatch = ${maxBatch}: must be an integer >= 1`, { key: 'maxBatch' });
  if (opts.count !== undefined && !(Number.isInteger(opts.count) && opts.count >= 0)) {
    throw new ConfigError(`count = ${opts.count}: must be an integer >= 0`, { key: 'count' });
  }
  const bucket = new TokenBucket(opts.rate, Math.max(1, opts.rate), () => clock.now());
  const minBatch = Math.min(maxBatch, Math.max(1, Math.floor(opts.rate / 100)));
  const pool = Array.from({ length: maxBatch }, newSimTick);
  const started = clock.now();
  let produced = 0;
  let batches = 0;
  while (!opts.signal?.aborted && (opts.count === undefined || produced < opts.count)) {
    const remaining = opts.count === undefined ? maxBatch : opts.count - produced;
    const wanted = Math.min(minBatch, remaining);
    const available = bucket.available();
    if (available < wanted) {
      await clock.sleep(bucket.msUntil(wanted), opts.signal);
      continue;
    }
    const n = Math.min(available, maxBatch, remaining);
    for (let i = 0; i < n; i++) opts.market.next(pool[i]);
    bucket.take(n);
    await opts.onBatch(pool, n);
    produced += n;
    batches++;
  }
  return { produced, batches, elapsedMs: clock.now() - started };
}
