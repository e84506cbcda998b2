import { concatMap, lastValueFrom, of, type OperatorFunction } from 'rxjs';
import type { Logger } from 'pino';
import { StateStoreError } from '../errors/state-store-error.js';
import type { PipelineMetrics } from '../metrics/pipeline-metrics.js';
import type { StateStore } from '../state/state-store.js';
import { StateFencedError } from '../errors/state-fenced-error.js';
import type { BackgroundWrites, PartitionJobs } from './background-writes.js';
import type { AppliedBatch, PredictedBatch } from './batch-stages.js';
import { foldScores } from './fold-scores.js';
import type { PartitionTable } from './partition-table.js';
import { publishDeadLetters } from './publish-dead-letters.js';
import { publishPredictions, type PublishPredictionsDeps } from './publish-predictions.js';
import { publishShadows, type PublishShadowsDeps } from './publish-shadows.js';
import type { RecordSink } from './record-sink.js';

/**
 * Jobs a partition may have pending while its next batch is computed: with 2, one job's produce
 * and the next one's state write can be under way together. A batch waits for room before its
 * job starts, so a partition holds at most this many written-behind batches plus the one in hand.
 */
export const WRITE_BEHIND_JOBS = 2;

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
 * at_least_once with write-behind: a computed batch's output is handed to a background job of its
 * partition and the batch goes on to be settled, so the source fetches the partition's next batch
 * while this one is written and produced. A job has two steps, each after the same step of the
 * partition's previous job: (1) its dead letters, then the one atomic state write, whose outbox
 * holds this batch's predictions and those of earlier jobs not produced yet; (2) its predictions,
 * its shadows' predictions and its live scores. So writes stay in offset order, produces stay in
 * offset order, a produce overlaps the next write, and no outbox is replaced while it holds a
 * prediction that is not in Kafka. A batch waits here for room ({@link WRITE_BEHIND_JOBS} pending
 * jobs per partition); one computed on a partition context that was dropped meanwhile (a job
 * failed or was fenced, a rebalance) is not written: it ends `stale`.
 *
 * A job that completes commits its offset through the control (`commit`, after the batch was
 * settled). A job that fails or is fenced drops the partition's in-memory state, stops the later
 * jobs of the same context (they do no I/O), and rewinds the source to its batch's first offset
 * (`rewind`), which fails the partition's next batch with the error (back-off, or a stop on a fatal
 * one) and fetches again from there: the claim then reloads the partition (after its jobs have
 * finished), re-produces an outbox that was not published, and skips what was applied.
 *
 * The produced mark is sent only by the partition's latest job: a later job's write replaces the
 * outbox anyway.
 *
 * Order and concurrency: one output per input, in input order (concatMap).
 */
export function writeBehind(deps: WriteBehindDeps): OperatorFunction<PredictedBatch, AppliedBatch> {
  const { background, table, metrics } = deps;
  const publishOptions = (jobs: PartitionJobs, seq: number): PublishPredictionsDeps => ({
    ...deps.publish, store: deps.store, sink: deps.sink, metrics, clock: deps.clock, logger: deps.logger,
    skipMark: () => jobs.latest !== seq,
  });

  const rewind = (batch: PredictedBatch, error: Error | null): void => {
    const { control, topic, partition } = batch.batch;
    const offset = batch.messages[0].offset;
    try {
      control.rewind?.(offset, error);
    } catch (seekError) {
      // The source is gone (stopped): the partition's next owner resumes from the stored state.
      deps.logger?.warn({ topic, partition, offset, err: seekError }, 'cannot rewind the source after a background write failed');
    }
  };

  /** Stops the context's jobs after one failed (error) or was fenced (null). */
  const stop = (jobs: PartitionJobs, batch: PredictedBatch, error: unknown): void => {
    const { topic, partition } = batch.batch;
    jobs.broken = batch.context;
    jobs.unproduced.length = 0;
    if (table.get(topic, partition) === batch.context) table.drop(topic, partition);
    if (error === null) {
      rewind(batch, null);
      return;
    }
    if (error instanceof StateStoreError) metrics.stateIoErrors.inc();
    const err = error instanceof Error ? error : new Error(String(error));
    deps.logger?.warn({ topic, partition, offset: batch.messages[0].offset, err }, 'background write failed: partition state dropped, fetching again from the batch');
    rewind(batch, err);
  };

  interface Turns {
    readonly issued: Promise<void>;
    readonly written: Promise<void>;
    readonly produced: Promise<void>;
  }

  const job = async (jobs: PartitionJobs, seq: number, batch: PredictedBatch, previous: Turns, mine: { issued: () => void; written: () => void }): Promise<void> => {
    const context = batch.context!;
    const watermark = Number(batch.messages[batch.messages.length - 1].offset);
    const entry = { watermark, messages: batch.predictions };
    let result: Promise<unknown>;
    const t0 = deps.clock();
    try {
      await previous.issued;
      if (jobs.broken === context) return;
      // Dead letters before the state write: once the watermark passes them they are never read again.
      if (batch.deadLetters.length > 0) await lastValueFrom(of(batch).pipe(publishDeadLetters(deps.sink, deps.deadLetterTopic, metrics)));
      if (jobs.broken === context) return;
      const outbox = [...jobs.unproduced.flatMap((u) => u.messages), ...batch.predictions];
      jobs.unproduced.push(entry);
      // The store reads the states when called (StateStore.applyBatch); the result is taken in turn below.
      result = deps.store
        .applyBatch({
          partition: context.ref,
          expectedWatermark: context.watermark,
          watermark,
          states: batch.touched,
          outbox,
          ...(batch.shadows.length > 0 ? { shadows: new Map(batch.shadows.map((sh) => [sh.runtime.loaded.version, sh.touched])) } : {}),
        })
        .then(
          () => null,
          (error: unknown) => error,
        );
      // The next write expects this one's watermark; if this one fails, the context is dropped.
      context.watermark = watermark;
    } catch (error) {
      stop(jobs, batch, error);
      return;
    } finally {
      mine.issued();
    }
    let applied: AppliedBatch;
    try {
      await previous.written;
      const error = await result;
      if (jobs.broken === context) return;
      if (error instanceof StateFencedError) {
        deps.logger?.warn({ topic: context.ref.topic, partition: context.ref.partition, err: error }, 'partition fenced: dropped its in-memory state');
        stop(jobs, batch, null);
        return;
      }
      if (error !== null) {
        stop(jobs, batch, error);
        return;
      }
      metrics.stateIo.apply.observe((deps.clock() - t0) / 1000);
      applied = { ...batch, watermark };
    } finally {
      mine.written();
    }
    try {
      await previous.produced;
      if (jobs.broken === context) return;
      await lastValueFrom(of(applied).pipe(publishPredictions(publishOptions(jobs, seq)), publishShadows(deps.shadows), foldScores()));
      const at = jobs.unproduced.indexOf(entry);
      if (at >= 0) jobs.unproduced.splice(at, 1);
      batch.batch.control.commit(batch.messages[batch.messages.length - 1].offset);
    } catch (error) {
      stop(jobs, batch, error);
    }
  };

  return concatMap(async (batch): Promise<AppliedBatch> => {
    const { topic, partition } = batch.batch;
    if (batch.disposition !== 'apply' || batch.context === null) return { ...batch, watermark: batch.context?.watermark ?? -1 };
    const jobs = background.of(topic, partition);
    await jobs.below(WRITE_BEHIND_JOBS);
    if (table.get(topic, partition) !== batch.context || jobs.broken === batch.context) return { ...batch, disposition: 'stale', watermark: -1 };
    const seq = jobs.begin();
    const previous: Turns = { issued: jobs.issued, written: jobs.written, produced: jobs.produced };
    let issued!: () => void;
    let written!: () => void;
    let produced!: () => void;
    jobs.issued = new Promise<void>((resolve) => (issued = resolve));
    jobs.written = new Promise<void>((resolve) => (written = resolve));
    jobs.produced = new Promise<void>((resolve) => (produced = resolve));
    // The next job's produce waits for this job to the end (shadows, scores and commit included).
    void job(jobs, seq, batch, previous, { issued, written }).finally(() => {
      issued();
      written();
      produced();
      jobs.end();
    });
    return { ...batch, watermark: Number(batch.messages[batch.messages.length - 1].offset), inBackground: true };
  });
}
