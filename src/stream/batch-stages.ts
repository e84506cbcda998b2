/**
 * The shape of a batch between the pipeline's operators. Each stage adds what it computed;
 * nothing is shared between batches except the partition context.
 */
import type { ModelEvent } from '../events/model-event.js';
import type { RejectReason } from '../events/reject-reason.js';
import type { LiveScorer } from '../quality/live-scorer.js';
import type { ScoreBuffer } from '../quality/score-buffer.js';
import type { KeyState } from '../state/key-state.js';
import type { LiveModelSet } from '../runtime/live-models.js';
import type { ShadowOutputs } from './shadow-run.js';
import type { OutboxMessage } from '../state/state-store.js';
import type { PartitionContext } from './partition-context.js';
import type { SinkRecord } from '../records/sink-record.js';
import type { StreamMessage } from '../records/stream-message.js';
import type { StreamBatch } from './stream-batch.js';

/**
 * What happens to a batch: `apply` it; `skip` it (all at or below the watermark); it is
 * `stale` (revoked by the source); it was `fenced` (another writer moved the watermark).
 */
export type Disposition = 'apply' | 'skip' | 'stale' | 'fenced';

/** After claimPartition: the partition's context and the messages still to apply. */
export interface ClaimedBatch {
  readonly batch: StreamBatch;
  /** Monotonic clock reading when the batch entered the pipeline (ms), for the batch duration. */
  readonly startedAt: number;
  readonly disposition: Disposition;
  /** Null unless the disposition is `apply` or `skip`. */
  readonly context: PartitionContext | null;
  /** Messages above the watermark, in offset order (empty unless `apply`). */
  readonly messages: readonly StreamMessage[];
  /** Messages dropped as already applied. */
  readonly duplicates: number;
}

/** A valid event and the message it came from. */
export interface DecodedEvent {
  readonly event: ModelEvent;
  readonly message: StreamMessage;
  /** The message offset as a number. */
  readonly offset: number;
}

/** A dead-letter record and why. */
export interface DeadLetter {
  readonly record: SinkRecord;
  readonly reason: RejectReason;
}

/** After decodeMessages: valid events and rejected messages. */
export interface DecodedBatch extends ClaimedBatch {
  readonly events: readonly DecodedEvent[];
  /** Appended to by later stages that reject an event (timestamp policy). */
  readonly deadLetters: DeadLetter[];
}

/** After advanceStates: which events were applied and what the model said for each. */
export interface AdvancedBatch extends DecodedBatch {
  /** The live models this batch ran (its champion made every output). */
  readonly models: LiveModelSet;
  /** The events applied to state, in offset order. */
  readonly applied: readonly DecodedEvent[];
  /** Head output of applied[i] at [i * outputSize, (i + 1) * outputSize). */
  readonly outputs: Float32Array;
  /** Step count of applied[i]'s key after it. */
  readonly steps: Float64Array;
  /** States of the keys this batch touched, after the batch. */
  readonly touched: ReadonlyMap<string, KeyState>;
  /** Each shadow of `models` (same order): its outputs for the applied events and its touched states. */
  readonly shadows: readonly ShadowOutputs[];
  /** Live scores of the keys' previous predictions, one entry per scored model (champion first); folded once published. */
  readonly scores: readonly ModelScores[];
}

/** One model's scores of one batch, and the scorer they are folded into once the batch is published. */
export interface ModelScores {
  readonly scorer: LiveScorer;
  readonly buffer: ScoreBuffer;
}

/** After buildPredictions: one prediction message per applied event, in the same order. */
export interface PredictedBatch extends AdvancedBatch {
  readonly predictions: readonly OutboxMessage[];
}

/** After applyToStore: the watermark written (the batch's last offset) when applied. */
export interface AppliedBatch extends PredictedBatch {
  readonly watermark: number;
  /**
   * Write-behind (write-behind.ts): the state write and publish run in a background job; the
   * watermark is the one the job writes, and the offset is read ahead, committed by the job.
   */
  readonly inBackground?: boolean;
}
