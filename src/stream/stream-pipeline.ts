import { catchError, from, mergeMap, of, tap, type OperatorFunction } from 'rxjs';
import type { Logger } from 'pino';
import type { DecodeOptions } from '../events/decode-event.js';
import { StateStoreError } from '../errors/state-store-error.js';
import type { PipelineMetrics } from '../metrics/pipeline-metrics.js';
import type { PredictionHeaderMode } from '../records/prediction-headers.js';
import type { StateStore } from '../state/state-store.js';
import { advanceStates } from './advance-states.js';
import { applyToStore } from './apply-to-store.js';
import { buildPredictions } from './build-predictions.js';
import { claimPartition, type ExactlyOnceOutput } from './claim-partition.js';
import { dropCommittedOutput } from './drop-committed-output.js';
import { commitBatch } from './commit-batch.js';
import { DEFAULT_DECODE_TIME, decodeMessages } from './decode-messages.js';
import type { LogPositions, LostStatePolicy } from './log-positions.js';
import type { LiveQuality } from '../quality/live-quality.js';
import type { LiveModels } from '../runtime/live-models.js';
import type { PartitionCheck } from './partition-check.js';
import type { PartitionTable } from './partition-table.js';
import { publishDeadLetters } from './publish-dead-letters.js';
import { publishShadows } from './publish-shadows.js';
import { latencySampler, publishPredictions } from './publish-predictions.js';
import { publishTransaction } from './publish-transaction.js';
import type { OutputTransactions } from './output-transactions.js';
import type { RecordSink } from './record-sink.js';
import { foldScores } from './fold-scores.js';
import { runSubBatches } from './run-sub-batches.js';
import type { BackgroundWrites } from './background-writes.js';
import { writeBehind } from './write-behind.js';
import type { BatchOutcome, StreamBatch } from './stream-batch.js';
import type { WorkBudget } from './work-budget.js';

/** Everything the pipeline works with; nothing is imported as a singleton. */
export interface StreamPipelineDeps {
  /** The champion and shadows; each batch runs the set current when it starts (hot swap). */
  readonly models: LiveModels;
  /** Live quality: each batch's champion is scored by `quality.scorerFor` (quality/live-quality.ts); absent: not scored. */
  readonly quality?: Pick<LiveQuality, 'scorerFor'>;
  readonly store: StateStore;
  readonly sink: RecordSink;
  readonly table: PartitionTable;
  readonly metrics: PipelineMetrics;
  readonly outputTopic: string;
  /** Headers on each prediction (records/prediction-headers.ts). */
  readonly outputHeaders: PredictionHeaderMode;
  /** Topic of the shadow models' predictions; null or absent: none are produced. */
  readonly shadowTopic?: string | null;
  /** Counts shadow predictions produced and failed shadow sends. */
  readonly onShadowProduced?: (count: number) => void;
  readonly onShadowError?: () => void;
  readonly deadLetterTopic: string;
  /** Decode limits; `kind` and `inputSize` must be the model's (see events/decode-options-for-model.ts). */
  readonly decode: DecodeOptions;
  readonly timestampPolicy: 'apply' | 'reject';
  /** Batches worked on at once (over all partitions). */
  readonly maxBatchesInFlight: number;
  /** Epoch milliseconds (end-to-end latency against event timestamps). */
  readonly now: () => number;
  /** Monotonic milliseconds for durations (default performance.now). */
  readonly clock?: () => number;
  /** How far ahead of `now` an event's ts may be (events.maxFutureSkewMs; default one day). */
  readonly maxFutureSkewMs?: number;
  /** Model-work slices and sub-batch sizes (see work-budget.ts). */
  readonly budget: WorkBudget;
  readonly onStateReset?: (count: number) => void;
  readonly onWarmStart?: (version: string, keys: number, events: number) => void;
  readonly logger?: Logger;
  /** Tells a first start from lost state (see claimPartition); absent in the embedded demo. */
  readonly logPositions?: LogPositions;
  readonly lostStatePolicy?: LostStatePolicy;
  /** Checks each key against its partition (events.partitioner); absent in the embedded demo. */
  readonly partitionCheck?: PartitionCheck;
  /** output.guarantee exactly_once: the output transactions. Absent: at_least_once. */
  readonly transactions?: OutputTransactions;
  /**
   * at_least_once only (pipeline.writeBehind): each batch's dead letters, state write and publish
   * run in these background jobs, in offset order per partition, while the partition's next batch
   * is fetched and computed (write-behind.ts). The source must implement `readAhead` and `rewind`.
   * Absent: each batch is written and published before it is settled.
   */
  readonly background?: BackgroundWrites;
}

/**
 * The streaming pipeline, as docs/architecture.md draws it: per input batch, claim the partition (state
 * loaded once per assignment), decode/validate (bad input to the dead-letter topic), features
 * and one RNN step per event (scoring each key's previous prediction), predictions, one atomic
 * state write, publish, fold the live scores, commit.
 *
 * Order and concurrency: up to `maxBatchesInFlight` batches at once (mergeMap), so partitions
 * proceed concurrently; a partition's batches are applied one at a time in offset order (its
 * source emits the next only after the previous settled, and the table checks it). Every batch
 * is settled exactly once through its control; a failed batch drops its partition's in-memory
 * state, so a retry starts from the store. Outcomes are emitted in completion order.
 *
 * Output: under at_least_once, dead letters are produced before the state write and predictions
 * after it; under exactly_once (`transactions`), both are kept in the outbox and produced after
 * the write in one transaction with the offset commit (publish-transaction.ts).
 *
 * A fetched batch is worked through in sub-batches sized by the model's measured cost
 * (run-sub-batches.ts), each claimed, applied, published and committed on its own; the model
 * work inside one is sliced so the event loop and the group heartbeat keep running.
 */
export function streamPipeline(deps: StreamPipelineDeps): OperatorFunction<StreamBatch, BatchOutcome> {
  const { table, metrics, now } = deps;
  const clock = deps.clock ?? (() => performance.now());
  metrics.setBatchSlots(deps.maxBatchesInFlight);
  const observeLatency = latencySampler(metrics.endToEndLatency);
  const eo: ExactlyOnceOutput | undefined = deps.transactions && { transactions: deps.transactions, deadLetterTopic: deps.deadLetterTopic };
  const applyOptions = { store: deps.store, table, metrics, clock, logger: deps.logger };
  const background = eo ? undefined : deps.background;
  const publishOptions = { sink: deps.sink, store: deps.store, outputTopic: deps.outputTopic, metrics, now, clock, observeLatency, logger: deps.logger };
  const shadowOptions = {
    sink: deps.sink, shadowTopic: deps.shadowTopic ?? null, headers: deps.outputHeaders, onProduced: deps.onShadowProduced, onError: deps.onShadowError, logger: deps.logger,
  };
  return (batches) =>
    batches.pipe(
      mergeMap((batch) => {
        table.begin(batch.topic, batch.partition);
        metrics.batchStarted(batch.messages.length);
        const stages = (sub: StreamBatch) =>
          of(sub).pipe(
            claimPartition({
              table, store: deps.store, sink: deps.sink, outputTopic: deps.outputTopic, outputHeaders: deps.outputHeaders, metrics, clock, logger: deps.logger,
              logPositions: deps.logPositions, lostStatePolicy: deps.lostStatePolicy, exactlyOnce: eo, background,
            }),
            decodeMessages(deps.decode, {
              metrics, logger: deps.logger, check: deps.partitionCheck, onWrongPartition: (n) => metrics.wrongPartition.inc(n),
              time: { now: deps.now, maxFutureSkewMs: deps.maxFutureSkewMs ?? DEFAULT_DECODE_TIME.maxFutureSkewMs },
            }),
            advanceStates({
              models: deps.models, timestampPolicy: deps.timestampPolicy, metrics, clock, onStateReset: deps.onStateReset, onWarmStart: deps.onWarmStart, budget: deps.budget,
              loadShadow: (ref, version) => deps.store.loadShadow(ref, version), quality: deps.quality,
            }),
            buildPredictions(deps.outputHeaders),
            (predicted) =>
              eo
                ? predicted.pipe(
                    dropCommittedOutput(),
                    applyToStore({ ...applyOptions, deadLettersInOutbox: true }),
                    publishTransaction({
                      transactions: eo.transactions, store: deps.store, table, outputTopic: deps.outputTopic, deadLetterTopic: eo.deadLetterTopic,
                      metrics, now, clock, observeLatency, logger: deps.logger,
                    }),
                    publishShadows(shadowOptions),
                    foldScores(),
                  )
                : background
                  ? predicted.pipe(
                      writeBehind({
                        background, store: deps.store, sink: deps.sink, table, metrics, deadLetterTopic: deps.deadLetterTopic, clock, logger: deps.logger,
                        publish: { outputTopic: deps.outputTopic, now, observeLatency }, shadows: shadowOptions,
                      }),
                    )
                  : predicted.pipe(
                      publishDeadLetters(deps.sink, deps.deadLetterTopic, metrics),
                      applyToStore(applyOptions),
                      publishPredictions(publishOptions),
                      publishShadows(shadowOptions),
                      foldScores(),
                    ),
            commitBatch(table, metrics, clock),
            catchError((error: unknown) => {
              if (error instanceof StateStoreError) metrics.stateIoErrors.inc();
              return of(failedOutcome(sub, error, table));
            }),
          );
        return from(runSubBatches(batch, deps.budget, stages).catch((error: unknown) => failedOutcome(batch, error, table))).pipe(
          tap((outcome) => {
            table.end(batch.topic, batch.partition);
            metrics.batchSettled(outcome.status);
            batch.control.settle(background ? { ...outcome, written: background.idle(batch.topic, batch.partition) } : outcome);
          }),
        );
      }, deps.maxBatchesInFlight),
    );
}

function failedOutcome(batch: StreamBatch, error: unknown, table: PartitionTable): BatchOutcome {
  // The batch may have advanced in-memory states that were never stored: forget them all.
  table.drop(batch.topic, batch.partition);
  return {
    topic: batch.topic,
    partition: batch.partition,
    status: 'failed',
    applied: 0,
    rejected: 0,
    duplicates: 0,
    error: error instanceof Error ? error : new Error(String(error)),
  };
}
