import { concatMap, type OperatorFunction } from 'rxjs';
import type { Logger } from 'pino';
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
  readonly logger?: Logger;
  /** Observes the end-to-end latency of a sample of the batch's predictions ({@link latencySampler}). */
  readonly observeLatency: (applied: AppliedBatch['applied'], producedAt: number) => void;
  /**
   * Whether to leave out the produced mark of a batch (write-behind: the partition's next batch is
   * waiting to write, and its write replaces the outbox). Absent: always marked.
   */
  readonly skipMark?: (batch: AppliedBatch) => boolean;
}

/**
 * One prediction in this many has its end-to-end latency observed: every one. An observation of
 * the histogram (metrics/bucket-histogram.ts) costs about 30 ns, a thousandth of an event's cost,
 * and a 1-in-16 sample made the p99 rest on a handful of observations: at 300 events/s over 25 s
 * it read 409 ms against a true 308 ms (docs/benchmarks.md, "Latency histogram observation").
 * The sampler keeps `every` for a deployment that wants fewer observations.
 */
export const LATENCY_SAMPLE_EVERY = 1;

/**
 * Observes the end-to-end latency (`producedAt` - event ts) of one prediction in `every`, counted
 * across calls, so each event is equally likely to be observed whatever the batch sizes. Create
 * one per pipeline.
 */
export function latencySampler(histogram: { observe(seconds: number): void }, every = LATENCY_SAMPLE_EVERY): PublishPredictionsDeps['observeLatency'] {
  let seen = 0;
  return (applied, producedAt) => {
    for (let i = (every - seen) % every; i < applied.length; i += every) histogram.observe(Math.max(0, producedAt - applied[i].event.ts) / 1000);
    seen = (seen + applied.length) % every;
  };
}

/**
 * Produces an applied batch's predictions (the outbox just written), then marks the outbox
 * produced. A crash between the two only means the next owner produces them again: the same
 * bytes, with the same source offsets, which consumers can de-duplicate. Observes the
 * end-to-end latency (event ts to prediction acknowledged) of one prediction in
 * {@link LATENCY_SAMPLE_EVERY}.
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
    deps.observeLatency(batch.applied, producedAt);
    // Not awaited: the batch is done once its predictions are acknowledged. The mark only spares
    // the next owner a re-produce of this batch (the next batch's write replaces the outbox
    // anyway), and it reaches Redis before the partition's next write (one connection, in order).
    if (deps.skipMark?.(batch)) return batch;
    const ref = batch.context.ref;
    const t0 = deps.clock();
    deps.store.markProduced(ref, batch.watermark).then(
      () => deps.metrics.stateIo.mark_produced.observe((deps.clock() - t0) / 1000),
      (error: unknown) => deps.logger?.warn({ topic: ref.topic, partition: ref.partition, err: error }, 'cannot mark the outbox produced; the next owner will produce it again'),
    );
    return batch;
  });
}
