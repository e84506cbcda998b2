import { concatMap, type OperatorFunction } from 'rxjs';
import type { Logger } from 'pino';
import { OutputTransactionError } from '../errors/output-transaction-error.js';
import type { PipelineMetrics } from '../metrics/pipeline-metrics.js';
import type { StateStore } from '../state/state-store.js';
import type { AppliedBatch } from './batch-stages.js';
import type { OutputTransactions } from './output-transactions.js';
import type { PartitionTable } from './partition-table.js';
import type { PublishPredictionsDeps } from './publish-predictions.js';

/** Dependencies of {@link publishTransaction}. */
export interface PublishTransactionDeps {
  readonly transactions: OutputTransactions;
  readonly store: StateStore;
  readonly table: PartitionTable;
  readonly outputTopic: string;
  readonly deadLetterTopic: string;
  readonly metrics: PipelineMetrics;
  /** Epoch milliseconds (end-to-end latency is measured against event timestamps). */
  readonly now: () => number;
  /** Monotonic milliseconds (performance.now), for durations. */
  readonly clock: () => number;
  readonly observeLatency: PublishPredictionsDeps['observeLatency'];
  readonly logger?: Logger;
}

/**
 * exactly_once: after the batch's state write (whose outbox holds its predictions and dead
 * letters), produces the dead letters and the predictions and commits the consumer offset
 * (last offset + 1) in one Kafka transaction; only once it committed is the outbox marked
 * produced. A crash before the commit leaves an open transaction, aborted when the partition's
 * next owner takes the transactional id, and an unmarked outbox, which that owner produces in a
 * new transaction: a read_committed consumer sees each record once.
 *
 * A fenced transaction (another instance holds the partition's transactional id: the partition
 * moved while this one worked) ends the batch as `fenced` with the in-memory state dropped;
 * any other failure fails the batch (it was aborted; the outbox is produced again when the
 * partition is reloaded).
 *
 * Order and concurrency: one output per input, in input order (concatMap); a partition's
 * transactions follow its batches' order.
 */
export function publishTransaction(deps: PublishTransactionDeps): OperatorFunction<AppliedBatch, AppliedBatch> {
  return concatMap(async (batch): Promise<AppliedBatch> => {
    const context = batch.context;
    if (batch.disposition !== 'apply' || context === null) return batch;
    const { predictions, deadLetters } = batch;
    const nextOffset = batch.watermark + 1;
    // Output and offset committed before (dropCommittedOutput left nothing): no transaction.
    if (predictions.length === 0 && deadLetters.length === 0 && nextOffset <= context.outputFrom) return batch;
    const ref = context.ref;
    try {
      await deps.transactions.commit(
        ref,
        [
          { topic: deps.deadLetterTopic, records: deadLetters.map((l) => l.record) },
          { topic: deps.outputTopic, records: predictions },
        ],
        nextOffset,
      );
    } catch (error) {
      if (!(error instanceof OutputTransactionError && error.fenced)) throw error;
      deps.table.drop(ref.topic, ref.partition);
      deps.logger?.warn({ topic: ref.topic, partition: ref.partition, err: error }, 'output transaction fenced: the partition has another owner; dropped its in-memory state');
      return { ...batch, disposition: 'fenced' };
    }
    const producedAt = deps.now();
    deps.metrics.predictions.inc(predictions.length);
    if (deadLetters.length > 0) {
      deps.metrics.deadLetters.inc(deadLetters.length);
      for (const l of deadLetters) deps.metrics.recordRejected(l.reason);
    }
    const { applied } = batch;
    // Predictions dropped as committed before are a prefix of `applied`.
    deps.observeLatency(predictions.length === applied.length ? applied : applied.slice(applied.length - predictions.length), producedAt);
    if (predictions.length > 0 || deadLetters.length > 0) {
      // Not awaited, as under at_least_once: a mark lost with a crash costs nothing, since the
      // next owner sees the group's committed offset past this outbox and only marks it.
      const t0 = deps.clock();
      deps.store.markProduced(ref, batch.watermark).then(
        () => deps.metrics.stateIo.mark_produced.observe((deps.clock() - t0) / 1000),
        (error: unknown) => deps.logger?.warn({ topic: ref.topic, partition: ref.partition, err: error }, 'cannot mark the outbox produced; the next owner finds its transaction committed and marks it'),
      );
    }
    return batch;
  });
}
