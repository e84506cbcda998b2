import { concatMap, type OperatorFunction } from 'rxjs';
import type { PipelineMetrics } from '../metrics/pipeline-metrics.js';
import type { StateStore } from '../state/state-store.js';
import type { AppliedBatch } from './batch-stages.js';
import type { RecordSink } from './record-sink.js';

/** Dependencies of {@link publishPredictions}. */
export interface PublishPredictionsDeps {
  readonly sink: RecordSink;
  readonly store: StateStore;
  readonly outputTopic: string;
  readonly metrics: PipelineMetrics;
  /** Epoch milliseconds (end-to-end latency is measured against event timestamps). */
  readonly now: () => number;
  /** Monotonic milliseconds (performance.now), for durations. */
  readonly clock: () => number;
}

/**
 * Produces an applied batch's predictions (the outbox just written), then marks the outbox
 * produced. A crash between the two only means the next owner produces them again: the same
 * bytes, with the same source offsets, which consumers can de-duplicate. Observes the
 * end-to-end latency (event ts to prediction acknowledged) of each.
 *
 * Order and concurrency: one output per input, in input order (concatMap); predictions of a
 * key are produced in offset order.
 */
export function publishPredictions(deps: PublishPredictionsDeps): OperatorFunction<AppliedBatch, AppliedBatch> {
  return concatMap(async (batch): Promise<AppliedBatch> => {
    if (batch.disposition !== 'apply' || batch.predictions.length === 0 || batch.context === null) return batch;
    await deps.sink.send(deps.outputTopic, batch.predictions);
    const producedAt = deps.now();
    deps.metrics.predictions.inc(batch.predictions.length);
    for (const { event } of batch.applied) deps.metrics.endToEndLatency.observe(Math.max(0, producedAt - event.ts) / 1000);
    const t0 = deps.clock();
    await deps.store.markProduced(batch.context.ref, batch.watermark);
    deps.metrics.stateIo.mark_produced.observe((deps.clock() - t0) / 1000);
    return batch;
  });
}
