import { concatMap, lastValueFrom, of, type OperatorFunction } from 'rxjs';
import type { Logger } from 'pino';
import { StateStoreError } from '../errors/state-store-error.js';
import type { PipelineMetrics } from '../metrics/pipeline-metrics.js';
import type { StateStore } from '../state/state-store.js';
import { applyToStore } from './apply-to-store.js';
import type { BackgroundWrites } from './background-writes.js';
import type { AppliedBatch, PredictedBatch } from './batch-stages.js';
import { foldScores } from './fold-scores.js';
import type { PartitionTable } from './partition-table.js';
import { publishDeadLetters } from './publish-dead-letters.js';
import { publishPredictions, type PublishPredictionsDeps } from './publish-predictions.js';
import { publishShadows, type PublishShadowsDeps } from './publish-shadows.js';
import type { RecordSink } from './record-sink.js';

/** Dependencies of {@link writeBehind}. */
export interface WriteBehindDeps {
  readonly background: BackgroundWrites;
  readonly store: StateStore;
  readonly sink: RecordSink;
  readonly table: PartitionTable;
  readonly metrics: PipelineMetrics;
  readonly deadLetterTopic: string;
  /** Monotonic milliseconds (performance.now), for durations. */
  readonly clock: () => number;
  readonly logger?: Logger;
  /** How predictions are published (the mark-skipping is added here). */
  readonly publish: Omit<PublishPredictionsDeps, 'skipMark' | 'store' | 'sink' | 'metrics' | 'clock' | 'logger'>;
  readonly shadows: PublishShadowsDeps;
}

/**
 * at_least_once with write-behind: a computed batch's output (its dead letters, then the one
 * atomic state write, then its predictions, its shadows' predictions and its live scores: the
 * same operators, in the same order, as without write-behind) is handed to a background job, and
 * the batch goes on to be settled, so the source fetches the partition's next batch while this
 * one is written and produced. The next batch's model work overlaps those round trips.
 *
 * Order and bound: a batch waits here until the partition's previous job has finished, then
 * starts its own; so a partition has at most one job in flight while its next batch is computed,
 * its writes and produces stay in offset order, and an outbox is only replaced once it was
 * produced. A batch computed on a partition context that was dropped meanwhile (a job failed or
 * was fenced, a rebalance) is not written: it ends `stale`.
 *
 * A job that completes commits its offset through the control (`commit`, after the batch was
 * settled). A job that fails or is fenced drops the partition's in-memory state and rewinds the
 * source to the batch's first offset (`rewind`), which fails the partition's next batch with the
 * error (back-off, or a stop on a fatal one) and fetches again from there: the claim then reloads
 * the partition, re-produces an outbox that was not published, and skips what was applied. A
 * job's predictions were written to the outbox before they are produced, so nothing is lost; the
 * partition's next batch waits here, and its claim waits before a reload, until the jobs are done.
 *
 * The produced mark (mark-produced-1.lua) is left out when the partition's next batch is already
 * waiting for its turn: that batch's write replaces the outbox anyway.
 *
 * Order and concurrency: one output per input, in input order (concatMap).
 */
export function writeBehind(deps: WriteBehindDeps): OperatorFunction<PredictedBatch, AppliedBatch> {
  const { background, table, metrics } = deps;
  const applyOptions = { store: deps.store, table, metrics, clock: deps.clock, logger: deps.logger };
  const publishOptions: PublishPredictionsDeps = {
    ...deps.publish, store: deps.store, sink: deps.sink, metrics, clock: deps.clock, logger: deps.logger,
    skipMark: (batch) => background.nextWaiting(batch.batch.topic, batch.batch.partition),
  };
  const job = async (batch: PredictedBatch): Promise<void> => {
    const { control, topic, partition } = batch.batch;
    const first = batch.messages[0].offset;
    try {
      const done = await lastValueFrom(
        of(batch).pipe(
          publishDeadLetters(deps.sink, deps.deadLetterTopic, metrics),
          applyToStore(applyOptions),
          publishPredictions(publishOptions),
          publishShadows(deps.shadows),
          foldScores(),
        ),
      );
      if (done.disposition === 'fenced') {
        rewind(batch, first, null);
        return;
      }
      control.commit(batch.messages[batch.messages.length - 1].offset);
    } catch (error) {
      if (table.get(topic, partition) === batch.context) table.drop(topic, partition);
      if (error instanceof StateStoreError) metrics.stateIoErrors.inc();
      const err = error instanceof Error ? error : new Error(String(error));
      deps.logger?.warn({ topic, partition, offset: first, err }, 'background write failed: partition state dropped, fetching again from the batch');
      rewind(batch, first, err);
    }
  };
  const rewind = (batch: PredictedBatch, offset: string, error: Error | null): void => {
    const { control, topic, partition } = batch.batch;
    try {
      control.rewind?.(offset, error);
    } catch (seekError) {
      // The source is gone (stopped): the partition's next owner resumes from the stored state.
      deps.logger?.warn({ topic, partition, offset, err: seekError }, 'cannot rewind the source after a background write failed');
    }
  };
  return concatMap(async (batch): Promise<AppliedBatch> => {
    const { topic, partition } = batch.batch;
    if (batch.disposition !== 'apply' || batch.context === null) return { ...batch, watermark: batch.context?.watermark ?? -1 };
    await background.waitTurn(topic, partition);
    if (table.get(topic, partition) !== batch.context) return { ...batch, disposition: 'stale', watermark: -1 };
    void background.start(topic, partition, () => job(batch));
    return { ...batch, watermark: Number(batch.messages[batch.messages.length - 1].offset), inBackground: true };
  });
}
