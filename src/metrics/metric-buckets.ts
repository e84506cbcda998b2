/**
 * Histogram buckets (upper bounds) chosen for the ranges each value lives in.
 * docs/metrics.md explains the choice; bucket changes break dashboards' recorded series.
 */

/**
 * `perDecade` log-spaced bounds from `from` to `to` (both powers of ten), rounded to three
 * significant digits: 12 per decade is a step of 10^(1/12) = 1.21x between bounds.
 */
export function logBuckets(from: number, to: number, perDecade: number): number[] {
  const out: number[] = [];
  const decades = Math.round(Math.log10(to / from));
  for (let i = 0; i <= decades * perDecade; i++) out.push(Number((from * 10 ** (i / perDecade)).toPrecision(3)));
  return out;
}

/** One batch through the pipeline: ~0.5 ms (a few events) to seconds (thousands, slow Redis). */
export const BATCH_DURATION_BUCKETS: readonly number[] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** Model work of one batch: ~10 us (one event, small model) to seconds (thousands of events, a large LSTM). */
export const MODEL_STEP_BUCKETS: readonly number[] = [
  0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
];

/** Messages in one input batch: 1 (a trickle) to tens of thousands (a backlog with large fetches). */
export const BATCH_MESSAGES_BUCKETS: readonly number[] = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000];

/**
 * One state-store call: a loopback Redis round trip is ~0.1-1 ms; a batch write of 1,000 keys a
 * few ms; loading a partition of 100k keys up to seconds.
 */
export const STATE_IO_BUCKETS: readonly number[] = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/**
 * Event timestamp to prediction produced: 12 bounds per decade from 1 ms to 100 s (each 1.21x the
 * one below, so a quantile interpolated inside a bucket is off by well under 20%; an overloaded
 * instance still reads true), then 300 and 600 s for backlogs. Replays of history fall into +Inf,
 * the truth about them.
 */
export const END_TO_END_LATENCY_BUCKETS: readonly number[] = [...logBuckets(0.001, 100, 12), 300, 600];
