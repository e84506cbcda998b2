import { randomBytes } from 'node:crypto';
import type { Admin, ConsumerConfig, Kafka, KafkaMessage } from 'kafkajs';
import { RnnStreamError } from '../errors/index.js';
import { deleteGroupsReason, deleteThrowawayGroup } from './delete-throwaway-group.js';
import { FetchedRecords, isRawBatch } from './fetched-records.js';
import type { PartitionRange } from './topic-time-range.js';

/** Options of {@link readTopicRange}. */
export interface ReadTopicRangeOptions {
  readonly kafka: Kafka;
  /** Used to delete the throwaway consumer group afterwards. */
  readonly admin: Admin;
  readonly topic: string;
  readonly ranges: readonly PartitionRange[];
  /** Consumer settings (fetch sizes, timeouts); the group id is replaced by a throwaway one. */
  readonly consumer: ConsumerConfig;
  /** Prefix of the throwaway group's id (a random suffix is added). */
  readonly groupPrefix: string;
  /**
   * Called with every message of the range, once each, per partition in offset order. A returned
   * promise is awaited before the next batch is handed over (backpressure). Either this or
   * onRecords.
   */
  readonly onMessages?: (partition: number, messages: readonly KafkaMessage[]) => void | Promise<void>;
  /**
   * Instead of onMessages: called with a cursor over every record of the range, once each, per
   * partition in offset order, read straight from the fetched record batches (kafka/fetched-records.ts:
   * no message object per record). The cursor is valid during the call only; a returned promise is
   * awaited before the next batch.
   */
  readonly onRecords?: (partition: number, records: FetchedRecords) => void | Promise<void>;
  /** Called when the throwaway group could not be deleted (it holds no offsets; the broker expires it). */
  readonly onWarning?: (text: string) => void;
}

/** What a read did. */
export interface ReadTopicRangeResult {
  /** Messages delivered per partition. */
  readonly messages: ReadonlyMap<number, number>;
  /** The throwaway group that read them (deleted afterwards). */
  readonly groupId: string;
}

/**
 * Reads exactly the offsets [start, end) of every partition range of `topic` and stops: a
 * consumer in a throwaway group (its own random id, so no other group is touched) that seeks
 * each partition to its start, commits nothing (autoCommit off, so the offsets it resolves to
 * move its fetch position stay in the process), pauses each partition once it reached its end and stops when all have. The group,
 * which never held offsets, is deleted at the end. Messages at or beyond a partition's end
 * (written since the range was computed) are never delivered.
 */
export async function readTopicRange(opts: ReadTopicRangeOptions): Promise<ReadTopicRangeResult> {
  const groupId = `${opts.groupPrefix}-${randomBytes(6).toString('hex')}`;
  const todo = new Map(opts.ranges.filter((r) => r.end > r.start).map((r) => [r.partition, r]));
  const delivered = new Map(opts.ranges.map((r) => [r.partition, 0]));
  // Next offset to deliver per partition: a fetch that raced the initial seek, or a refetch
  // after a rejoin, can never deliver a message twice or one below the range.
  const next = new Map(opts.ranges.map((r) => [r.partition, r.start]));
  if (todo.size === 0) return { messages: delivered, groupId };
  if ((opts.onMessages === undefined) === (opts.onRecords === undefined)) throw new TypeError('readTopicRange takes one of onMessages and onRecords');
  const onRecords = opts.onRecords;
  // rawRecordBatches: the patch's option (not in kafkajs' types) for batches of raw record runs.
  const consumer = opts.kafka.consumer({ ...opts.consumer, groupId, ...(onRecords && { rawRecordBatches: true }) } as ConsumerConfig);
  let finish!: () => void;
  let fail!: (err: Error) => void;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const markDone = (partition: number, nextOffset: number): void => {
    const range = todo.get(partition);
    if (!range || nextOffset < range.end) return;
    todo.delete(partition);
    consumer.pause([{ topic: opts.topic, partitions: [partition] }]);
    if (todo.size === 0) finish();
  };
  const seekAll = (): void => {
    for (const r of todo.values()) consumer.seek({ topic: opts.topic, partition: r.partition, offset: String(next.get(r.partition)) });
    const idle = opts.ranges.filter((r) => !todo.has(r.partition)).map((r) => r.partition);
    if (idle.length > 0) consumer.pause([{ topic: opts.topic, partitions: idle }]);
  };
  // On every (re)join, before its first fetch: position each partition where the range goes on.
  consumer.on(consumer.events.GROUP_JOIN, seekAll);
  consumer.on(consumer.events.CRASH, (event) => {
    if (!event.payload.restart) fail(new RnnStreamError(`Kafka consumer of the replay crashed: ${event.payload.error.message}`, { cause: event.payload.error }));
  });
  // Fires for batches emptied by filtering (control records, compaction) too, so a range whose
  // tail holds no message still finishes.
  consumer.on(consumer.events.END_BATCH_PROCESS, (event) => {
    const { topic, partition, firstOffset, lastOffset } = event.payload;
    if (topic !== opts.topic) return;
    // Only a batch that starts at or before the partition's next offset says the range is read.
    const first = firstOffset === null ? Number(lastOffset) : Number(firstOffset);
    if (first <= (next.get(partition) ?? Infinity)) markDone(partition, Number(lastOffset) + 1);
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topic: opts.topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset }) => {
        const range = todo.get(batch.partition);
        // Resolving is local (the fetch position moves on; with autoCommit off nothing is
        // committed): without it kafkajs fetches the same offsets again and a range longer than
        // one fetch never ends.
        resolveOffset(batch.lastOffset());
        if (!range) return;
        const from = next.get(batch.partition)!;
        if (onRecords !== undefined) {
          if (!isRawBatch(batch)) throw new RnnStreamError('the installed kafkajs handed over messages to a consumer of raw record batches: is its patch applied?');
          const records = new FetchedRecords().reset(batch, from, range.end);
          if (records.count > 0) {
            try {
              await onRecords(batch.partition, records);
            } catch (err) {
              fail(err as Error);
              return;
            }
            next.set(batch.partition, records.lastOffset + 1);
            delivered.set(batch.partition, delivered.get(batch.partition)! + records.count);
          }
          if (records.reachesEnd) markDone(batch.partition, range.end);
          return;
        }
        const messages = batch.messages;
        const lo = firstAtOrAbove(messages, from, 0);
        const hi = firstAtOrAbove(messages, range.end, lo);
        if (hi > lo) {
          try {
            await opts.onMessages!(batch.partition, lo === 0 && hi === messages.length ? messages : messages.slice(lo, hi));
          } catch (err) {
            fail(err as Error);
            return;
          }
          next.set(batch.partition, Number(messages[hi - 1].offset) + 1);
          delivered.set(batch.partition, delivered.get(batch.partition)! + hi - lo);
        }
        if (hi < messages.length) markDone(batch.partition, range.end);
      },
    });
    await done;
  } catch (cause) {
    if (cause instanceof RnnStreamError) throw cause;
    throw new RnnStreamError(`cannot read topic ${opts.topic}`, { cause });
  } finally {
    await consumer.disconnect();
    await deleteThrowawayGroup(opts.admin, groupId).catch((err: Error) =>
      opts.onWarning?.(`could not delete the replay's consumer group ${groupId} (it holds no offsets; the broker expires it): ${deleteGroupsReason(err)}`),
    );
  }
  return { messages: delivered, groupId };
}

/**
 * Index of the first of `messages` (a batch: offsets ascending) from index `lo` on whose offset
 * is at or above `offset`; messages.length when none is. The ends are checked first, so a batch
 * wholly inside a range costs two offset conversions rather than one per message.
 */
function firstAtOrAbove(messages: readonly KafkaMessage[], offset: number, lo: number): number {
  const n = messages.length;
  if (lo >= n || Number(messages[lo].offset) >= offset) return lo;
  if (Number(messages[n - 1].offset) < offset) return n;
  // messages[a] is below `offset`, messages[b] is not.
  let a = lo;
  let b = n - 1;
  while (b - a > 1) {
    const m = (a + b) >>> 1;
    if (Number(messages[m].offset) < offset) a = m;
    else b = m;
  }
  return b;
}

