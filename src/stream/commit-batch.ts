import { map, type OperatorFunction } from 'rxjs';
import type { PipelineMetrics } from '../metrics/pipeline-metrics.js';
import type { AppliedBatch } from './batch-stages.js';
import type { PartitionTable } from './partition-table.js';
import type { BatchOutcome, BatchStatus } from './stream-batch.js';

const STATUS: Readonly<Record<AppliedBatch['disposition'], BatchStatus>> = {
  apply: 'committed',
  skip: 'skipped',
  stale: 'stale',
  fenced: 'fenced',
};

/**
 * Hands the batch's last offset to the source once its state is written and its predictions
 * produced (Kafka: resolveOffset; the commit is advisory, the store's watermark is the truth),
 * or, under write-behind, as read ahead (the background job commits it once published),
 * updates the lag, event-time, key and batch metrics, and turns the batch into its outcome.
 *
 * Order and concurrency: synchronous; one outcome per batch.
 */
export function commitBatch(table: PartitionTable, metrics: PipelineMetrics, clock: () => number): OperatorFunction<AppliedBatch, BatchOutcome> {
  return map((applied): BatchOutcome => {
    const { batch } = applied;
    if (applied.disposition === 'apply') {
      const last = batch.messages[batch.messages.length - 1].offset;
      if (applied.inBackground) batch.control.readAhead?.(last);
      else batch.control.commit(last);
      metrics.events.applied.inc(applied.applied.length);
      metrics.consumerLag.applied(batch.topic, batch.partition, Number(last) + 1, batch.highWatermark === '' ? NaN : Number(batch.highWatermark));
      let newest = -Infinity;
      for (const { event } of applied.applied) if (event.ts > newest) newest = event.ts;
      if (applied.applied.length > 0) metrics.recordEventTime(newest);
      metrics.activeKeys.set(table.keyCount());
      metrics.batchDuration.observe((clock() - applied.startedAt) / 1000);
    }
    const status = STATUS[applied.disposition];
    return {
      topic: batch.topic,
      partition: batch.partition,
      status,
      applied: status === 'committed' ? applied.applied.length : 0,
      rejected: applied.deadLetters.length,
      duplicates: applied.duplicates,
    };
  });
}
