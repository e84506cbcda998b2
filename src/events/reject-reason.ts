/**
 * Why an input event was rejected: the bounded set used as the `reason` label of
 * `rnn_stream_events_total{outcome="rejected"}`-style counters and in dead-letter headers.
 */
export const REJECT_REASONS = [
  'malformed_json',
  'not_an_object',
  'null_key',
  'key_mismatch',
  'missing_field',
  'wrong_type',
  'bad_timestamp',
  'feature_count',
  'non_finite',
  'non_positive_price',
  'negative_volume',
  'oversized',
  /** Only under `events.timestampPolicy: reject`: ts earlier than the key's previous event. */
  'timestamp_regression',
  'non_finite_output',
  /** The key belongs to another partition under `events.partitioner` (a producer with another partitioner). */
  'wrong_partition',
] as const;

export type RejectReason = (typeof REJECT_REASONS)[number];

/** A rejected event: the reason code plus a human-readable detail naming the field. */
export interface Rejection {
  readonly reason: RejectReason;
  readonly detail: string;
}
