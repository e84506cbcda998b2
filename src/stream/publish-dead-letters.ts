import { concatMap, type OperatorFunction } from 'rxjs';
import type { PipelineMetrics } from '../metrics/pipeline-metrics.js';
import type { AdvancedBatch } from './batch-stages.js';
import type { RecordSink } from './record-sink.js';

/**
 * Produces the batch's dead letters to the dead-letter topic and counts them by reason, BEFORE
 * the batch's state write: once the watermark passes a rejected message it is never read
 * again, so producing first is what makes a dead letter impossible to lose (a crash in between
 * repeats it, byte for byte, instead).
 *
 * Order and concurrency: one output per input, in input order (concatMap); dead letters keep
 * offset order.
 */
export function publishDeadLetters<T extends AdvancedBatch>(sink: RecordSink, topic: string, metrics: PipelineMetrics): OperatorFunction<T, T> {
  return concatMap(async (batch): Promise<T> => {
    const letters = batch.deadLetters;
    if (letters.length === 0) return batch;
    await sink.send(
      topic,
      letters.map((l) => l.record),
    );
    metrics.deadLetters.inc(letters.length);
    for (const l of letters) metrics.recordRejected(l.reason);
    return batch;
  });
}
