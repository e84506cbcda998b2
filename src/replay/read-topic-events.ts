/**
 * Replays a time range of a Kafka topic into training data: per partition, the offsets whose
 * record timestamps fall in [from, to) (kafka/topic-time-range.ts), read by a throwaway consumer
 * that commits nothing (kafka/read-topic-range.ts), each message decoded by the live pipeline's
 * decoder with the configured limits and the message key (checked by the stream's key rule),
 * straight into the per-key columns of an EventSet. Nothing but those columns grows with the range.
 */
import { createHash } from 'node:crypto';
import type { Admin, ConsumerConfig, Kafka } from 'kafkajs';
import type { DecodeLimits } from '../events/decode-options-for-model.js';
import type { EventKind } from '../events/model-event.js';
import { readTopicRange } from '../kafka/read-topic-range.js';
import { nonEmptyTopicTimeRange, type PartitionRange } from '../kafka/topic-time-range.js';
import { LengthPrefixedHash } from './length-prefixed-hash.js';
import { EventSetBuilder, type EventSet, type OnRejected } from '../train/event-set.js';

/** Options of {@link readTopicEvents}. */
export interface ReadTopicEventsOptions {
  readonly kafka: Kafka;
  /** A connected admin client. */
  readonly admin: Admin;
  readonly topic: string;
  /** Start of the range (inclusive), epoch ms of the records' Kafka timestamps. */
  readonly fromMs: number;
  /** End of the range (exclusive). */
  readonly toMs: number;
  readonly kind: EventKind;
  readonly limits: DecodeLimits;
  readonly consumer: ConsumerConfig;
  readonly groupPrefix: string;
  readonly onRejected?: OnRejected;
  /** Called once the offsets are known (total = messages in the range), then after every batch. */
  readonly onProgress?: (read: number, total: number) => void;
  readonly onWarning?: (text: string) => void;
}

/** The EventSet of the range, with the offset ranges that were read. */
export interface TopicEvents {
  readonly data: EventSet;
  readonly ranges: readonly PartitionRange[];
}

/**
 * Reads the range. The data hash is the SHA-256 of the per-partition SHA-256s (in partition
 * order) of every message's key and value, length-prefixed, in offset order: the same range of
 * the same log gives the same hash.
 */
export async function readTopicEvents(opts: ReadTopicEventsOptions): Promise<TopicEvents> {
  const { ranges, total } = await nonEmptyTopicTimeRange(opts.admin, opts.topic, opts.fromMs, opts.toMs);
  opts.onProgress?.(0, total);
  const builder = new EventSetBuilder(opts.kind, opts.limits, opts.onRejected);
  const scratch = Buffer.allocUnsafe(1 << 16);
  const hashes = new Map(ranges.map((r) => [r.partition, new LengthPrefixedHash(scratch)]));
  let read = 0;
  const result = await readTopicRange({
    kafka: opts.kafka,
    admin: opts.admin,
    topic: opts.topic,
    ranges,
    consumer: opts.consumer,
    groupPrefix: opts.groupPrefix,
    onWarning: opts.onWarning,
    // Records read in place from the fetched record batches: no message object, key or value view per record.
    onRecords(partition, records) {
      const hash = hashes.get(partition)!;
      while (records.next()) {
        const { bytes, keyStart, keyLength, valueStart, valueLength } = records;
        hash.addPairAt(bytes, keyStart, keyLength, valueStart, valueLength);
        builder.addRecord(bytes, keyStart, keyLength, valueStart, valueLength, partition, records.offset);
      }
      // The scratch buffer is shared: this partition's bytes go into its hash before the next batch.
      hash.flush();
      read += records.count;
      opts.onProgress?.(read, total);
    },
  });
  const all = createHash('sha256');
  for (const r of ranges) all.update(`${r.partition}:${hashes.get(r.partition)!.digest()}\n`);
  const source = {
    input: `kafka:${opts.topic}`,
    topic: opts.topic,
    from: new Date(opts.fromMs).toISOString(),
    to: new Date(opts.toMs).toISOString(),
    partitions: ranges.map((r) => ({ partition: r.partition, startOffset: r.start, endOffset: r.end, messages: result.messages.get(r.partition) ?? 0 })),
  };
  return { data: builder.finish(`topic ${opts.topic}`, source, all.digest('hex')), ranges };
}
