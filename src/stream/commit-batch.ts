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
 * updates the lag, key and batch metrics, and turns the batch into its outcome.
 *
 * Order and concurrency: synchronous; one outcome per batch.
 */
export function commitBatch(table: PartitionTable, metrics: PipelineMetrics, now: () => number): OperatorFunction<AppliedBatch, BatchOutcome> {
  return map((applied): BatchOutcome => {
    const { batch } = applied;
    if (applied.disposition === 'apply') {
      const last = batch.messages[batch.messages.length - 1].offset;
      batch.control.commit(last);
      metrics.events.applied.inc(applied.applied.length);
      if (batch.highWatermark !== '') metrics.setConsumerLag(batch.topic, batch.partition, Math.max(0, Number(batch.highWatermark) - Number(last) - 1));
      metrics.activeKeys.set(table.keyCount());
      metrics.batchDuration.observe((now() - applied.startedAt) / 1000);
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
