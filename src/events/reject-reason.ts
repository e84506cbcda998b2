/**
 * Why an input event was rejected: the bounded set used as the `reason` label of
 * `rnn_stream_events_total{outcome="rejected"}`-style counters and in dead-letter headers.
 */
export const REJECT_REASONS = [
  'malformed_json',
  'not_an_object',
  'null_key',
  /** The message key is not valid UTF-8 (or a file line's key is not valid Unicode): such keys never get a state. */
  'invalid_key',
  'key_mismatch',
  'missing_field',
  'wrong_type',
  'bad_timestamp',
  /** ts after 9999-12-31, or (serving) more than events.maxFutureSkewMs ahead of the wall clock: never stored. */
  'timestamp_out_of_range',
  'feature_count',
  /** A token event's `id` outside the model's vocabulary (0 .. size-1). */
  'token_out_of_range',
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
