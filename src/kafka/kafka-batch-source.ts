import type { Consumer, EachBatchPayload } from 'kafkajs';
import { Observable } from 'rxjs';
import { RnnStreamError } from '../errors/index.js';
import type { BatchOutcome, StreamBatch } from '../stream/stream-batch.js';
import type { FetchSizer } from './fetch-sizer.js';
import type { OffsetCommitter } from './offset-committer.js';
import { streamMessages } from './stream-messages.js';

/** Options of {@link kafkaBatchSource}. */
export interface KafkaBatchSourceOptions {
  /** A connected consumer, not yet running; the caller stops and disconnects it. */
  readonly consumer: Consumer;
  readonly topic: string;
  readonly fromBeginning: boolean;
  /** Partitions whose batches may be in the pipeline at once (eachBatch concurrency). */
  readonly partitionsConsumedConcurrently: number;
  /**
   * Longest batch delay, ms: eachBatch returns no sooner than this after its batch arrived, so
   * kafkajs fetches the partition again at most once per `lingerMs` and a batch at a low input
   * rate gathers what arrived meanwhile (0: no delay). A batch that took longer is not delayed.
   */
  readonly lingerMs?: number;
  /** Called on every group (re)join with the partitions of `topic` now assigned to this member. */
  readonly onAssignment?: (partitions: readonly number[]) => void;
  /**
   * Whether kafkajs commits the resolved offsets (default true). False under exactly_once: the
   * output transactions commit them, and a commit outside them could run ahead of the output.
   */
  readonly autoCommit?: boolean;
  /**
   * Commits the handled offsets every interval (kafka.commitIntervalMs) instead of kafkajs'
   * commit after each batch, which delays the partition's next fetch by a round trip. Ignored
   * when `autoCommit` is false. The caller calls its `stop()` before stopping the consumer; the
   * source starts its timer on subscription and closes it on unsubscription.
   */
  readonly committer?: OffsetCommitter;
  /**
   * Sizes each partition's fetch from the model's measured cost (kafka/fetch-sizer.ts); without
   * one, the consumer's configured limits stay. The response limit stays the configured maxBytes.
   */
  readonly fetchSizer?: FetchSizer;
  /** The configured limit of a whole fetch response, bytes (kafka.maxBytes); needed with `fetchSizer`. */
  readonly maxBytes?: number;
  /** Called with the new per-partition fetch limit, bytes, whenever it changes (for the gauge). */
  readonly onFetchLimit?: (bytesPerPartition: number) => void;
}

/** The setter the project's kafkajs patch adds to the consumer (patches/kafkajs+2.2.4.patch). */
interface FetchLimitsConsumer {
  setFetchLimits(limits: { maxBytesPerPartition: number; maxBytes: number }): void;
}

/**
 * Input batches from Kafka with real backpressure: kafkajs' eachBatch emits the batch and
 * waits until the pipeline settles it, and kafkajs fetches a broker's next batches only when
 * all of its previous ones are done. So at most `partitionsConsumedConcurrently` batches (each
 * at most maxBytesPerPartition) are in memory, and a partition's next batch is emitted only
 * after the previous one settled (per-key order). Offsets are resolved only for what the
 * pipeline committed (eachBatchAutoResolve off); kafkajs commits them after each batch, or the
 * `committer` every interval, unless `autoCommit` is off (exactly_once: the output transactions
 * commit them).
 *
 * A failed batch with a retriable error is thrown back to kafkajs (which refetches it, or
 * restarts the consumer); a non-retriable one (corrupt state, a bug) also errors this
 * Observable. Unsubscribing settles waiting batches as stale, so the consumer can stop.
 */
export function kafkaBatchSource(opts: KafkaBatchSourceOptions): Observable<StreamBatch> {
  return new Observable<StreamBatch>((subscriber) => {
    const { consumer, topic } = opts;
    const committer = opts.autoCommit === false ? undefined : opts.committer;
    committer?.start();
    const waiting = new Set<(o: BatchOutcome) => void>();
    // Write-behind: the error of a partition's failed background write, thrown by its next batch.
    const failures = new Map<number, Error>();
    const removeJoin = consumer.on(consumer.events.GROUP_JOIN, (event) => {
      const partitions = event.payload.memberAssignment[topic] ?? [];
      for (const p of [...failures.keys()]) if (!partitions.includes(p)) failures.delete(p);
      committer?.retain(partitions);
      opts.onAssignment?.(partitions);
    });
    const removeCrash = consumer.on(consumer.events.CRASH, (event) => {
      if (!event.payload.restart) {
        subscriber.error(new RnnStreamError(`Kafka consumer crashed: ${event.payload.error.message}`, { cause: event.payload.error }));
      }
    });

    const sizer = opts.fetchSizer;
    let fetchLimit = sizer?.ceilingBytes ?? 0;
    const resize = (): void => {
      if (sizer === undefined) return;
      const bytes = sizer.bytesPerPartition();
      if (bytes === fetchLimit) return;
      fetchLimit = bytes;
      (consumer as unknown as FetchLimitsConsumer).setFetchLimits({ maxBytesPerPartition: bytes, maxBytes: opts.maxBytes ?? bytes });
      opts.onFetchLimit?.(bytes);
    };

    const fail = (error: Error): never => {
      if (!isRetriable(error)) subscriber.error(error);
      throw error;
    };

    const eachBatch = async (payload: EachBatchPayload): Promise<void> => {
      if (subscriber.closed) return;
      const failure = failures.get(payload.batch.partition);
      if (failure !== undefined) {
        failures.delete(payload.batch.partition);
        fail(failure);
      }
      const receivedAt = performance.now();
      if (sizer !== undefined) observeRecordSizes(sizer, payload.batch.messages);
      const outcome = await new Promise<BatchOutcome>((resolve) => {
        waiting.add(resolve);
        subscriber.next(toStreamBatch(payload, consumer, committer, failures, (o) => {
          waiting.delete(resolve);
          resolve(o);
        }));
      });
      resize();
      // Stopping: what this batch handled is committed now (under write-behind once its partition's
      // background writes are done), inside the consumer's run (its own commitOffsets refuses once
      // stop() began), before the consumer leaves the group.
      if (committer && (committer.stopping || !payload.isRunning())) {
        await outcome.written;
        await committer.flush((offsets) => payload.commitOffsetsIfNecessary({ topics: [{ topic, partitions: [...offsets] }] }));
      }
      if (outcome.status !== 'failed') {
        const wait = (opts.lingerMs ?? 0) - (performance.now() - receivedAt);
        if (wait >= 1 && !subscriber.closed) await new Promise((resolve) => setTimeout(resolve, wait));
        return;
      }
      fail(outcome.error ?? new RnnStreamError('batch failed without an error'));
    };

    consumer
      .subscribe({ topic, fromBeginning: opts.fromBeginning })
      .then(() =>
        consumer.run({
          // With a committer, kafkajs must not commit after each batch as well.
          autoCommit: (opts.autoCommit ?? true) && committer === undefined,
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently: opts.partitionsConsumedConcurrently,
          eachBatch,
        }),
      )
      .catch((error: unknown) => subscriber.error(error));

    return () => {
      committer?.close();
      removeJoin();
      removeCrash();
      for (const resolve of [...waiting]) resolve({ topic, partition: -1, status: 'stale', applied: 0, rejected: 0, duplicates: 0 });
      waiting.clear();
    };
  });
}

/** Feeds the sizes of a fetched batch's keys and values to `sizer`. */
function observeRecordSizes(sizer: FetchSizer, messages: EachBatchPayload['batch']['messages']): void {
  let bytes = 0;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    bytes += (m.key?.length ?? 0) + (m.value?.length ?? 0);
  }
  sizer.observe(messages.length, bytes);
}

function toStreamBatch(
  payload: EachBatchPayload,
  consumer: Consumer,
  committer: OffsetCommitter | undefined,
  failures: Map<number, Error>,
  settle: (o: BatchOutcome) => void,
): StreamBatch {
  const { batch } = payload;
  const generation = committer?.generation;
  let settled = false;
  return {
    topic: batch.topic,
    partition: batch.partition,
    messages: streamMessages(batch.messages),
    highWatermark: batch.highWatermark,
    control: {
      heartbeat: () => payload.heartbeat(),
      // Not isRunning(): on shutdown the batch in hand is finished, not dropped.
      isActive: () => !payload.isStale(),
      isRunning: () => payload.isRunning(),
      commit: (offset) => {
        // After settle (write-behind) the fetch position is already past it: only commit.
        if (!settled) payload.resolveOffset(offset);
        committer?.handled(batch.partition, offset, generation);
      },
      readAhead: (offset) => payload.resolveOffset(offset),
      rewind: (offset, error) => {
        if (error !== null) failures.set(batch.partition, error);
        // A partition no longer assigned is not sought (kafkajs ignores it); its next owner
        // resumes from the stored watermark.
        consumer.seek({ topic: batch.topic, partition: batch.partition, offset });
      },
      seek: (offset) => {
        committer?.forget(batch.partition);
        consumer.seek({ topic: batch.topic, partition: batch.partition, offset });
      },
      settle: (outcome) => {
        if (settled) throw new RnnStreamError(`${batch.topic}[${batch.partition}]: batch settled twice`);
        settled = true;
        settle(outcome);
      },
    },
  };
}

/** kafkajs protocol errors that mean "the group is rebalancing, or this member must rejoin". */
const REJOIN_ERRORS = new Set(['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID', 'NOT_COORDINATOR_FOR_GROUP', 'NOT_COORDINATOR']);

/**
 * kafkajs errors it marks non-retriable that a broker outage causes: no broker answered the
 * search for the group coordinator (kafkajs gives up after its own retries). Seen under
 * exactly_once when the broker is killed during a transaction's offset commit.
 */
const OUTAGE_ERRORS = new Set(['KafkaJSGroupCoordinatorNotFound']);

/**
 * Whether trying the batch again may succeed. Our errors say so themselves. kafkajs marks its
 * errors `retriable`, but (a) wraps a retriable one (a lost connection, a request timeout) in a
 * non-retriable KafkaJSNumberOfRetriesExceeded / KafkaJSNonRetriableError once its own retries
 * are used up, and (b) marks group-membership errors (a rebalance in progress, a stale
 * generation) non-retriable although kafkajs itself handles them by rejoining the group, and
 * (c) marks "no group coordinator found" non-retriable although it only means no broker
 * answered for a while. All are retriable here: the batch goes back to kafkajs, which rejoins or refetches, instead of the
 * service stopping. The cause chain is walked for both.
 */
export function isRetriable(error: unknown): boolean {
  if (error instanceof RnnStreamError) return error.retriable;
  for (let e: unknown = error, depth = 0; typeof e === 'object' && e !== null && depth < 8; depth++) {
    const k = e as { retriable?: unknown; type?: unknown; cause?: unknown };
    if (k.retriable === true) return true;
    if (typeof k.type === 'string' && REJOIN_ERRORS.has(k.type)) return true;
    if (e instanceof Error && OUTAGE_ERRORS.has(e.name)) return true;
    e = k.cause;
  }
  return false;
}
