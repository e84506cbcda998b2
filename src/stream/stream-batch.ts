/**
 * The neutral batch the pipeline operators work on: one input partition's messages in offset
 * order, as kafkajs' eachBatch hands them over, but with no kafkajs type in sight, so that the
 * embedded demo can feed simulated batches to the very same operators.
 */
import type { StreamMessage } from '../records/stream-message.js';

/** Status of a batch when the pipeline is done with it. */
export type BatchStatus =
  /**
   * Applied to the store, predictions produced, offset handed to the source; under write-behind
   * (see {@link BatchControl.readAhead}), computed and handed to the background write instead.
   */
  | 'committed'
  /** Entirely at or below the partition's watermark: nothing to do; the source seeks past it. */
  | 'skipped'
  /** The store's watermark moved under us (fencing): in-memory state dropped, nothing committed. */
  | 'fenced'
  /** The source revoked the batch (seek, rebalance) before it was worked on. */
  | 'stale'
  /** An error stopped the batch; nothing was committed. */
  | 'failed';

/** What became of one batch. */
export interface BatchOutcome {
  readonly topic: string;
  readonly partition: number;
  readonly status: BatchStatus;
  /** Events applied to state (= predictions built). */
  readonly applied: number;
  /** Messages dead-lettered. */
  readonly rejected: number;
  /** Messages at or below the watermark, skipped as already applied. */
  readonly duplicates: number;
  readonly error?: Error;
  /**
   * Write-behind only: resolves (never rejects) once every background write of the batch's
   * partition started so far has finished, successfully or not.
   */
  readonly written?: Promise<void>;
}

/**
 * What the source lets the pipeline do about a batch. Kafka: kafkajs' eachBatch helpers;
 * the demo: no-ops and a promise to resolve.
 */
export interface BatchControl {
  /** Keeps group membership alive during long work; may reject when a rebalance started. */
  heartbeat(): Promise<void>;
  /** False once the batch is stale (its partition was sought or revoked): do not work on it. */
  isActive(): boolean;
  /**
   * False once the source is stopping: the sub-batch in hand is finished, no further one of the
   * batch is started (the rest is fetched again later). Absent: the source never stops early.
   */
  isRunning?(): boolean;
  /**
   * Records that everything up to and including `offset` is done (Kafka: resolveOffset, and the
   * offset may be committed; advisory). Under write-behind it is called once the batch is
   * published, possibly after `settle`; the source then only lets the offset be committed.
   */
  commit(offset: string): void;
  /**
   * Write-behind: everything up to `offset` is computed and its write and publish run in the
   * background: the source may fetch past it (Kafka: resolveOffset) but commits it only after
   * `commit`. Absent: the source cannot read ahead, and the pipeline writes and publishes each
   * batch before settling it.
   */
  readAhead?(offset: string): void;
  /**
   * Write-behind: the background write or publish of the partition failed or was fenced at
   * `offset` (the first offset of the batch whose write did not finish): fetch the partition again
   * from there, and fail the partition's next batch with `error` (null: fenced, nothing to report),
   * so that the source's retry and back-off, or its stop on a fatal error, apply as to any failed batch.
   */
  rewind?(offset: string, error: Error | null): void;
  /** Makes the partition's next batch start at `offset` (Kafka: consumer.seek). */
  seek(offset: string): void;
  /** Called exactly once per batch, when the pipeline is done with it. */
  settle(outcome: BatchOutcome): void;
}

/** A batch of one input partition plus the source's control over it. */
export interface StreamBatch {
  readonly topic: string;
  readonly partition: number;
  /** In offset order. */
  readonly messages: readonly StreamMessage[];
  /** The partition's log-end offset when fetched ("" when unknown): lag = highWatermark - (last offset + 1). */
  readonly highWatermark: string;
  readonly control: BatchControl;
}
