import { concatMap, type OperatorFunction } from 'rxjs';
import type { Logger } from 'pino';
import { StateFencedError } from '../errors/state-fenced-error.js';
import type { PipelineMetrics } from '../metrics/pipeline-metrics.js';
import type { StateStore } from '../state/state-store.js';
import type { AppliedBatch, PredictedBatch } from './batch-stages.js';
import type { PartitionTable } from './partition-table.js';

/** Dependencies of {@link applyToStore}. */
export interface ApplyToStoreDeps {
  readonly store: StateStore;
  readonly table: PartitionTable;
  readonly metrics: PipelineMetrics;
  /** Monotonic milliseconds (performance.now), for durations. */
  readonly clock: () => number;
  readonly logger?: Logger;
  /** exactly_once: the dead letters are kept in the outbox too, to be produced in the batch's transaction. */
  readonly deadLettersInOutbox?: boolean;
}

/**
 * Writes the batch's effect in one atomic store call (one Redis round trip): the states of the
 * touched keys, the predictions as the outbox (with the dead letters under exactly_once), and
 * the batch's last offset as the new
 * watermark, on condition that the stored watermark is still the one this worker read. A
 * fencing error means another worker wrote the partition since: the in-memory state is
 * dropped, the batch ends as `fenced` (not published, not committed), and the partition's
 * next batch, if it is still ours, reloads from the store.
 *
 * Order and concurrency: one output per input, in input order (concatMap).
 */
export function applyToStore(deps: ApplyToStoreDeps): OperatorFunction<PredictedBatch, AppliedBatch> {
  return concatMap(async (batch): Promise<AppliedBatch> => {
    const context = batch.context;
    if (batch.disposition !== 'apply' || context === null) return { ...batch, watermark: context?.watermark ?? -1 };
    await batch.batch.control.heartbeat();
    const watermark = Number(batch.messages[batch.messages.length - 1].offset);
    const t0 = deps.clock();
    try {
      await deps.store.applyBatch({
        partition: context.ref,
        expectedWatermark: context.watermark,
        watermark,
        states: batch.touched,
        outbox: batch.predictions,
        deadLetters: deps.deadLettersInOutbox ? batch.deadLetters.map((l) => l.record) : undefined,
        ...(batch.shadows.length > 0 ? { shadows: new Map(batch.shadows.map((s) => [s.runtime.loaded.version, s.touched])) } : {}),
      });
    } catch (error) {
      if (!(error instanceof StateFencedError)) throw error;
      deps.table.drop(context.ref.topic, context.ref.partition);
      deps.logger?.warn({ topic: context.ref.topic, partition: context.ref.partition, err: error }, 'partition fenced: dropped its in-memory state');
      return { ...batch, disposition: 'fenced', watermark: error.actual };
    }
    deps.metrics.stateIo.apply.observe((deps.clock() - t0) / 1000);
    context.watermark = watermark;
    return { ...batch, watermark };
  });
}
