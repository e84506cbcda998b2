import type { ComponentStatus, ReadinessCheck } from './readiness.js';

/**
 * Wraps a readiness check so that its answer is reused for `intervalMs` after it settles, and
 * concurrent callers share one run: however often /readyz is probed, the dependencies see at most
 * one check (a Redis PING, a Kafka request) per interval. 0 disables the reuse but still shares
 * a run in progress. A rejected check is not cached.
 */
export function cachedReadiness(check: ReadinessCheck, intervalMs: number, now: () => number = Date.now): ReadinessCheck {
  let running: Promise<readonly ComponentStatus[]> | undefined;
  let last: { readonly at: number; readonly result: readonly ComponentStatus[] } | undefined;
  return () => {
    if (last && now() - last.at < intervalMs) return Promise.resolve(last.result);
    if (!running) {
      running = check().then(
        (result) => {
          last = { at: now(), result };
          running = undefined;
          return result;
        },
        (error: unknown) => {
          running = undefined;
          throw error;
        },
      );
    }
    return running;
  };
}
