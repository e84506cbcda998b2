import { concatMap, type OperatorFunction } from 'rxjs';
import type { Logger } from 'pino';
import { RnnStreamError } from '../errors/index.js';
import { OutputTransactionError } from '../errors/output-transaction-error.js';
import { StateFencedError } from '../errors/state-fenced-error.js';
import { StateLostError } from '../errors/state-lost-error.js';
import type { PipelineMetrics } from '../metrics/pipeline-metrics.js';
import { rebuildPredictionHeaders, type PredictionHeaderMode } from '../records/prediction-headers.js';
import type { StateStore } from '../state/state-store.js';
import type { ClaimedBatch } from './batch-stages.js';
import { PartitionContext } from './partition-context.js';
import type { PartitionTable } from './partition-table.js';
import type { LogPositions, LostStatePolicy } from './log-positions.js';
import type { OutputTransactions } from './output-transactions.js';
import type { RecordSink } from './record-sink.js';
import type { StreamMessage } from '../records/stream-message.js';
import type { StreamBatch } from './stream-batch.js';
import type { BackgroundWrites } from './background-writes.js';

/** Dependencies of {@link claimPartition}. */
export interface ClaimPartitionDeps {
  readonly table: PartitionTable;
  readonly store: StateStore;
  readonly sink: RecordSink;
  /** Topic the re-produced outbox goes to. */
  readonly outputTopic: string;
  /** Headers of re-produced predictions, rebuilt from their values (an outbox stores none). */
  readonly outputHeaders: PredictionHeaderMode;
  readonly metrics: PipelineMetrics;
  /** Monotonic milliseconds (performance.now), for durations. */
  readonly clock: () => number;
  readonly logger?: Logger;
  /**
   * Where the log starts and what the group committed; without it (the embedded demo) a partition
   * with no stored state always starts fresh.
   */
  readonly logPositions?: LogPositions;
  /** What to do when the store lost a partition's state (default `replay`). */
  readonly lostStatePolicy?: LostStatePolicy;
  /**
   * exactly_once: the output transactions. The partition's transactional id is taken before its
   * state is read, and an unmarked outbox is produced in a transaction, or only marked when the
   * group's committed offset shows its transaction committed. Absent: at_least_once.
   */
  readonly exactlyOnce?: ExactlyOnceOutput;
  /**
   * Write-behind: the partition's background jobs. A batch starts once the latest job has sent its
   * state write (the states it writes are read until then, and this batch advances them); a load
   * waits until they have finished, so it reads what they wrote (and an outbox they did not
   * publish) rather than racing them.
   */
  readonly background?: Pick<BackgroundWrites, 'idle' | 'issued'>;
}

/** The exactly_once output: its transactions and where dead letters go. */
export interface ExactlyOnceOutput {
  readonly transactions: OutputTransactions;
  readonly deadLetterTopic: string;
}

/**
 * Makes sure the worker holds the batch's partition before anything is computed. On the first
 * batch after an assignment (or after the context was dropped) it reads the partition's
 * snapshot from the store once, re-produces an outbox that was not marked produced (identical
 * keys and values; headers rebuilt from the values as `outputHeaders` says) and marks it. Redis, not Kafka's committed offset, says where to resume: when that
 * first batch starts after watermark + 1 (Kafka's position is ahead of the stored state, e.g.
 * after Redis lost recent writes, or a new consumer group over existing state), the source is
 * sought to watermark + 1 and the batch skipped, once per load. When the log ends at or below the
 * watermark, the state belongs to another log (topic recreated, unclean leader election): that
 * is refused, not ignored. Then it drops the messages at or below the watermark (already
 * applied); when none is left it seeks the source to watermark + 1 and the batch is skipped.
 *
 * No stored state (watermark -1) is a first start only if nothing says otherwise: when the group
 * has a committed offset beyond the log start (or states are stored without a watermark), Redis
 * lost the partition's writes. Under `lostStatePolicy: replay` the partition's in-memory states are
 * cleared and the source is sought to the log start, so every key is rebuilt from its first event
 * (repeated predictions and dead letters are identical); under `refuse` a StateLostError stops the
 * service. Either way the keys never silently restart from zero state.
 *
 * Under exactly_once (`exactlyOnce`), the partition's transactional id is taken first, which
 * fences its previous owner and settles a transaction that owner left open; the group's
 * committed offset read then says whether the unmarked outbox's transaction committed (offset
 * past the outbox: only mark it) or not (produce it, dead letters included, in a new
 * transaction with the offset). A claim fenced in turn (the partition moved again) ends the
 * batch as `fenced`.
 *
 * Order and concurrency: one output per input, in input order (concatMap). Used by the
 * pipeline on one batch at a time per partition.
 */
export function claimPartition(deps: ClaimPartitionDeps): OperatorFunction<StreamBatch, ClaimedBatch> {
  return concatMap(async (batch): Promise<ClaimedBatch> => {
    const startedAt = deps.clock();
    const base = { batch, startedAt, context: null, messages: [], duplicates: 0 };
    await deps.background?.issued(batch.topic, batch.partition);
    if (!batch.control.isActive()) return { ...base, disposition: 'stale' };
    await batch.control.heartbeat();
    let context = deps.table.get(batch.topic, batch.partition);
    if (context === undefined) {
      await deps.background?.idle(batch.topic, batch.partition);
      try {
        context = await loadContext(batch, deps);
      } catch (error) {
        // The store could not read a consistent snapshot because another writer kept moving it,
        // or another instance took the partition's transactional id meanwhile.
        if (error instanceof StateFencedError || (error instanceof OutputTransactionError && error.fenced)) return { ...base, disposition: 'fenced' };
        throw error;
      }
    }
    if (!context.positionChecked && batch.messages.length > 0) {
      context.positionChecked = true;
      const logEnd = batch.highWatermark === '' ? NaN : Number(batch.highWatermark);
      if (logEnd <= context.watermark) {
        throw new RnnStreamError(
          `${batch.topic}[${batch.partition}]: the log ends at offset ${logEnd} but the stored state has applied up to ${context.watermark}; ` +
            'the state belongs to another log (topic recreated?) and is not used (see docs/pipeline.md)',
        );
      }
      const first = Number(batch.messages[0].offset);
      if (context.watermark < 0 && deps.logPositions) {
        const logStart = await lostStateLogStart(batch, context, first, deps);
        if (logStart !== null) {
          context.states.clear();
          batch.control.seek(String(logStart));
          return { ...base, context, disposition: 'skip' };
        }
      }
      if (context.watermark >= 0 && first > context.watermark + 1) {
        deps.logger?.warn({ topic: batch.topic, partition: batch.partition, watermark: context.watermark, fetched: first }, 'Kafka position is ahead of the stored state; seeking to watermark + 1');
        batch.control.seek(String(context.watermark + 1));
        return { ...base, context, disposition: 'skip' };
      }
    }
    const duplicates = firstAbove(batch.messages, context.watermark);
    if (duplicates > 0) deps.metrics.events.skippedDuplicate.inc(duplicates);
    if (duplicates === batch.messages.length) {
      if (batch.messages.length > 0) batch.control.seek(String(context.watermark + 1));
      return { ...base, context, duplicates, disposition: 'skip' };
    }
    return { ...base, context, duplicates, messages: batch.messages.slice(duplicates), disposition: 'apply' };
  });
}

/**
 * When the store holds no watermark for the partition but the state evidently existed (the group
 * committed an offset beyond the log start, or states are stored), returns the log start to replay
 * from (policy `replay`) or throws StateLostError (policy `refuse`); null for a genuine first start.
 */
async function lostStateLogStart(batch: StreamBatch, context: PartitionContext, first: number, deps: ClaimPartitionDeps): Promise<number | null> {
  const probe = deps.logPositions;
  if (!probe) return null;
  const { logStart, committed } = await probe.positions(batch.topic, batch.partition);
  const committedBeyondStart = committed !== null && committed > logStart && first > logStart;
  if (!committedBeyondStart && context.states.size === 0) return null;
  const where = { topic: batch.topic, partition: batch.partition, groupId: probe.groupId, committed: committed ?? -1, logStart, storedKeys: context.states.size };
  if ((deps.lostStatePolicy ?? 'replay') === 'refuse') throw new StateLostError(where);
  deps.logger?.warn({ ...where, fetched: first }, 'the state store holds no state for a partition the group consumed before (Redis lost writes?); replaying the partition from the log start');
  return logStart;
}

/** Index of the first message whose offset is above `watermark` (messages are in offset order). */
function firstAbove(messages: readonly StreamMessage[], watermark: number): number {
  let i = 0;
  while (i < messages.length && Number(messages[i].offset) <= watermark) i++;
  return i;
}

async function loadContext(batch: StreamBatch, deps: ClaimPartitionDeps): Promise<PartitionContext> {
  const ref = { topic: batch.topic, partition: batch.partition };
  const eo = deps.exactlyOnce;
  const committed = eo ? await eo.transactions.claim(ref) : null;
  const t0 = deps.clock();
  const snapshot = await deps.store.loadPartition(ref);
  deps.metrics.stateIo.load.observe((deps.clock() - t0) / 1000);
  const outbox = snapshot.outbox;
  let reproduced = 0;
  if (outbox && !outbox.produced) {
    const context = { key: 'outbox', ...ref };
    const records = outbox.messages.map((m) => (m.headers !== undefined ? m : { ...m, headers: rebuildPredictionHeaders(deps.outputHeaders, m.value, context) }));
    if (!eo) {
      if (records.length > 0) await deps.sink.send(deps.outputTopic, records);
      reproduced = records.length;
      deps.metrics.predictions.inc(records.length);
    } else if (committed === null || committed <= outbox.watermark) {
      const outputs = [{ topic: eo.deadLetterTopic, records: outbox.deadLetters }, { topic: deps.outputTopic, records }];
      await eo.transactions.commit(ref, outputs, outbox.watermark + 1);
      reproduced = records.length + outbox.deadLetters.length;
      deps.metrics.predictions.inc(records.length);
      deps.metrics.deadLetters.inc(outbox.deadLetters.length);
    } else {
      deps.logger?.info({ topic: ref.topic, partition: ref.partition, watermark: outbox.watermark, committed }, 'the outbox was committed in Kafka before the last owner stopped; marking it produced');
    }
    const t1 = deps.clock();
    await deps.store.markProduced(ref, outbox.watermark);
    deps.metrics.stateIo.mark_produced.observe((deps.clock() - t1) / 1000);
  }
  deps.logger?.info(
    { topic: ref.topic, partition: ref.partition, watermark: snapshot.watermark, keys: snapshot.states.size, reproduced },
    'partition state loaded',
  );
  const context = new PartitionContext(ref, snapshot.watermark, snapshot.states);
  if (committed !== null) context.outputFrom = committed;
  deps.table.set(context);
  return context;
}
