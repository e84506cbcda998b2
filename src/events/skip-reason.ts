/**
 * Why a record batch of the input was skipped unread: the bounded set used as the `reason`
 * label of rnn_stream_skipped_record_batches_total. A skipped batch has no record to
 * dead-letter (its records could not be read), so it is counted and logged with its offsets.
 */
export const SKIP_REASONS = [
  /** The batch decompresses to more than kafka.maxDecompressedBatchBytes (a compression bomb). */
  'decompression_limit',
  /** The batch uses a compression codec this client does not read (snappy, lz4, zstd). */
  'unsupported_compression',
  /** The batch's decompressed bytes are not valid records. */
  'corrupt_batch',
] as const;

export type SkipReason = (typeof SKIP_REASONS)[number];

/** A record batch the source could not read: why, and from which offset (it ends at the stand-in message's offset). */
export interface UnreadableBatch {
  readonly reason: SkipReason;
  readonly detail: string;
  /** First offset of the batch, decimal string. */
  readonly firstOffset: string;
}
