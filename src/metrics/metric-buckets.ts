/**
 * Histogram buckets (upper bounds, seconds) chosen for the ranges each duration lives in.
 * docs/metrics.md explains the choice; bucket changes break dashboards' recorded series.
 */

/** One batch through the pipeline: ~0.5 ms (a few events) to seconds (thousands, slow Redis). */
export const BATCH_DURATION_BUCKETS: readonly number[] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * One state-store call: a loopback Redis round trip is ~0.1-1 ms; a batch write of 1,000 keys a
 * few ms; loading a partition of 100k keys up to seconds.
 */
export const STATE_IO_BUCKETS: readonly number[] = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/**
 * Event timestamp to prediction produced: milliseconds when caught up, up to minutes while a
 * backlog drains. Replays of history fall into +Inf, which is the truth about them.
 */
export const END_TO_END_LATENCY_BUCKETS: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600,
];
