import { CompressionTypes, Kafka, logLevel, Partitioners, type Admin, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DECODE_LIMITS } from '../../src/events/decode-event.js';
import { readTopicRange } from '../../src/kafka/read-topic-range.js';
import { topicTimeRange } from '../../src/kafka/topic-time-range.js';
import { readTopicEvents } from '../../src/replay/read-topic-events.js';
import { integrationServices, skipIntegration, uniqueName, type IntegrationServices } from './services.js';
import { createTopicsReady } from '../../src/kafka/create-topics-ready.js';

/** The records carry 2025 timestamps: without this the broker's retention check (7 days by default) deletes them mid-test. */
const KEEP_FOREVER = [{ name: 'retention.ms', value: '-1' }];
const T0 = Date.parse('2025-03-03T00:00:00Z');
const consumerConfig = { groupId: 'unused', maxWaitTimeInMs: 100, sessionTimeout: 10_000, allowAutoTopicCreation: false };

/** A tick of symbol `s` at T0 + i seconds, with that time as the record timestamp. */
function tickMessage(s: string, i: number, price = 100 + i) {
  const ts = T0 + i * 1000;
  return { key: s, value: JSON.stringify({ symbol: s, ts, price, volume: 1 }), timestamp: String(ts) };
}

describe.skipIf(skipIntegration)('Kafka range replay on a real broker', () => {
  let services: IntegrationServices;
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  const topic = uniqueName('replay-range');
  const liveGroup = uniqueName('replay-live-group');

  beforeAll(async () => {
    services = await integrationServices();
    kafka = new Kafka({ clientId: 'replay-test', brokers: services.kafkaBrokers, logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    await admin.connect();
    await createTopicsReady(admin, [{ topic, numPartitions: 3, configEntries: KEEP_FOREVER }]);
    // Idempotent: a send retried after a time-out on a loaded broker must not write its records twice.
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    // 60 seconds of ticks of 4 symbols, one bad message (price 0) and one without a key.
    // In time order within every partition: the range is found by offsets-by-timestamp.
    const messages: { key: string | null; value: string; timestamp: string }[] = [];
    for (let i = 0; i < 60; i++) {
      for (const s of ['AAA', 'BBB', 'CCC', 'DDD']) messages.push(tickMessage(s, i));
      if (i === 20) messages.push({ key: 'AAA', value: JSON.stringify({ symbol: 'AAA', ts: T0 + 20_500, price: 0 }), timestamp: String(T0 + 20_500) });
      if (i === 30) messages.push({ key: null, value: '{"symbol":"EEE","ts":1,"price":1}', timestamp: String(T0 + 30_500) });
    }
    await producer.send({ topic, messages });
    // The live pipeline's group has committed offsets on every partition.
    await admin.setOffsets({ groupId: liveGroup, topic, partitions: [0, 1, 2].map((partition) => ({ partition, offset: '3' })) });
  }, 60_000);

  afterAll(async () => {
    await producer?.disconnect();
    await admin?.deleteGroups([liveGroup]).catch(() => undefined);
    await admin?.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin?.disconnect();
    await services?.stop();
  });

  it('reads exactly [from, to): an event at --from is in, one at --to is out; bad messages counted by reason; the live group untouched', async () => {
    const before = await admin.fetchOffsets({ groupId: liveGroup, topics: [topic] });
    const from = T0 + 10_000;
    const to = T0 + 40_000;
    let lastProgress: [number, number] = [0, 0];
    const rejected: string[] = [];
    const { data, ranges } = await readTopicEvents({
      kafka,
      admin,
      topic,
      fromMs: from,
      toMs: to,
      kind: 'tick',
      limits: DEFAULT_DECODE_LIMITS,
      consumer: consumerConfig,
      groupPrefix: 'rnn-stream-replay-test',
      onRejected: (_at, reason) => rejected.push(reason),
      onProgress: (read, total) => (lastProgress = [read, total]),
    });
    // Seconds 10..39 of four symbols, plus the bad tick and the keyless one in that window.
    expect(data.validEvents).toBe(30 * 4);
    expect(rejected.sort()).toEqual(['non_positive_price', 'null_key']);
    expect(data.rejectedByReason).toEqual({ non_positive_price: 1, null_key: 1 });
    expect(lastProgress).toEqual([122, 122]);
    expect(ranges.reduce((n, r) => n + r.end - r.start, 0)).toBe(122);
    for (const k of data.keys) {
      const ts = Array.from(k.timestamps());
      expect(ts[0]).toBe(from);
      expect(ts.at(-1)).toBe(to - 1000);
      expect(ts).toEqual(Array.from({ length: 30 }, (_, i) => from + i * 1000));
      // Each key's events come in offset order of its partition.
      const offsets = Array.from({ length: k.length }, (_, t) => k.pos(t));
      expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    }
    expect(await admin.fetchOffsets({ groupId: liveGroup, topics: [topic] })).toEqual(before);
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId);
    expect(groups.filter((g) => g.startsWith('rnn-stream-replay-test'))).toEqual([]);
    // Same range, same data hash.
    const again = await readTopicEvents({ kafka, admin, topic, fromMs: from, toMs: to, kind: 'tick', limits: DEFAULT_DECODE_LIMITS, consumer: consumerConfig, groupPrefix: 'rnn-stream-replay-test' });
    expect(again.data.sha256).toBe(data.sha256);
  }, 60_000);

  it('rejects a message key that is not valid UTF-8 as invalid_key, as the stream does, and keeps the valid key apart', async () => {
    const keys = uniqueName('replay-keys');
    await createTopicsReady(admin, [{ topic: keys, numPartitions: 1, configEntries: KEEP_FOREVER }]);
    try {
      // Both bad keys read as "A\uFFFD" once decoded; the third message has that key in valid UTF-8.
      const replaced = 'A\ufffd';
      const at = (i: number) => ({ value: JSON.stringify({ symbol: replaced, ts: T0 + i, price: 10 + i }), timestamp: String(T0 + i) });
      await producer.send({
        topic: keys,
        messages: [
          { key: Buffer.from([0x41, 0xff]), ...at(0) },
          { key: Buffer.from([0x41, 0xfe]), ...at(1) },
          { key: Buffer.from(replaced), ...at(2) },
          { key: Buffer.from(replaced), ...at(3) },
        ],
      });
      const rejected: [number, string][] = [];
      const { data } = await readTopicEvents({
        kafka, admin, topic: keys, fromMs: T0, toMs: T0 + 60_000, kind: 'tick', limits: DEFAULT_DECODE_LIMITS,
        consumer: consumerConfig, groupPrefix: 'rnn-stream-replay-test', onRejected: (at, reason) => rejected.push([at.pos, reason]),
      });
      expect(rejected).toEqual([[0, 'invalid_key'], [1, 'invalid_key']]);
      expect(data.rejectedByReason).toEqual({ invalid_key: 2 });
      expect(data.keys.map((k) => [k.key, Array.from(k.timestamps())])).toEqual([[replaced, [T0 + 2, T0 + 3]]]);
    } finally {
      await admin.deleteTopics({ topics: [keys] }).catch(() => undefined);
    }
  }, 60_000);

  it('reads a range that takes many fetches to the end', async () => {
    // One record batch per send, and fetches of a few hundred bytes: each fetch returns a batch or
    // two. (A range longer than one fetch once never ended: the reader did not move its fetch position.)
    const many = uniqueName('replay-many');
    await createTopicsReady(admin, [{ topic: many, numPartitions: 1, configEntries: KEEP_FOREVER }]);
    try {
      for (let i = 0; i < 40; i++) await producer.send({ topic: many, messages: [tickMessage('AAA', i)] });
      const ranges = await topicTimeRange(admin, many, T0, T0 + 3_600_000);
      expect(ranges).toEqual([{ partition: 0, start: 0, end: 40 }]);
      const offsets: number[] = [];
      await readTopicRange({
        kafka,
        admin,
        topic: many,
        ranges,
        consumer: { ...consumerConfig, maxBytesPerPartition: 200, maxBytes: 200 },
        groupPrefix: 'rnn-stream-replay-test',
        onMessages: (_p, messages) => {
          for (const m of messages) offsets.push(Number(m.offset));
        },
      });
      expect(offsets).toEqual(Array.from({ length: 40 }, (_, i) => i));
    } finally {
      await admin.deleteTopics({ topics: [many] }).catch(() => undefined);
    }
  }, 60_000);

  it("gives every event its record's offset, in batches with offset gaps (transaction markers) and without", async () => {
    const gaps = uniqueName('replay-gaps');
    await createTopicsReady(admin, [{ topic: gaps, numPartitions: 1, configEntries: KEEP_FOREVER }]);
    const tx = kafka.producer({ transactionalId: uniqueName('replay-gaps-tx'), idempotent: true, maxInFlightRequests: 1 });
    try {
      await tx.connect();
      // Record timestamps of now (the markers carry their commit time: backdated records after a
      // marker would fall outside a range found by timestamps).
      const now = ({ key, value }: { key: string; value: string }) => ({ key, value });
      const from = Date.now() - 1000;
      // Each committed transaction leaves its commit marker at an offset no message has; the plain sends do not.
      for (let i = 0; i < 30; i += 5) {
        const t = await tx.transaction();
        await t.send({ topic: gaps, messages: [0, 1, 2, 3, 4].map((j) => now(tickMessage('AAA', i + j))) });
        await t.commit();
      }
      await producer.send({ topic: gaps, messages: Array.from({ length: 10 }, (_, j) => now(tickMessage('AAA', 30 + j))) });
      const to = Date.now() + 3_600_000;
      const ranges = await topicTimeRange(admin, gaps, from, to);
      // The reference: each message's own offset as kafkajs hands it over.
      const offsets: number[] = [];
      await readTopicRange({
        kafka, admin, topic: gaps, ranges, consumer: consumerConfig, groupPrefix: 'rnn-stream-replay-test',
        onMessages: (_p, messages) => void messages.forEach((m) => offsets.push(Number(m.offset))),
      });
      expect(offsets.length).toBe(40);
      expect(offsets.at(-1)! - offsets[0]).toBeGreaterThan(39);
      const { data } = await readTopicEvents({ kafka, admin, topic: gaps, fromMs: from, toMs: to, kind: 'tick', limits: DEFAULT_DECODE_LIMITS, consumer: consumerConfig, groupPrefix: 'rnn-stream-replay-test' });
      const k = data.keys[0];
      expect(Array.from({ length: k.length }, (_, t) => k.pos(t))).toEqual(offsets);
      expect(Array.from(k.timestamps())).toEqual(Array.from({ length: 40 }, (_, i) => T0 + i * 1000));
    } finally {
      await tx.disconnect();
      await admin.deleteTopics({ topics: [gaps] }).catch(() => undefined);
    }
  }, 60_000);

  it("hands over through raw record batches exactly the records kafkajs' messages give: aborted and committed transactions, gzip, many small fetches", async () => {
    const mixed = uniqueName('replay-raw');
    await createTopicsReady(admin, [{ topic: mixed, numPartitions: 2, configEntries: KEEP_FOREVER }]);
    const tx = kafka.producer({ transactionalId: uniqueName('replay-raw-tx'), idempotent: true, maxInFlightRequests: 1 });
    try {
      await tx.connect();
      const from = Date.now() - 1000;
      const send = (i: number, n: number) => Array.from({ length: n }, (_, j) => ({ key: `K${(i + j) % 5}`, value: JSON.stringify({ symbol: `K${(i + j) % 5}`, ts: T0 + (i + j) * 1000, price: 1 + j, volume: 1 }) }));
      for (let i = 0; i < 60; i += 10) {
        const t = await tx.transaction();
        await t.send({ topic: mixed, messages: send(i, 10), compression: i % 20 === 0 ? CompressionTypes.GZIP : CompressionTypes.None });
        // Every third transaction aborted: a read_committed reader never sees its records.
        if (i % 30 === 20) await t.abort();
        else await t.commit();
        await producer.send({ topic: mixed, messages: [...send(100 + i, 3), { key: null, value: 'not json' }], compression: i % 20 === 10 ? CompressionTypes.GZIP : CompressionTypes.None });
      }
      const ranges = await topicTimeRange(admin, mixed, from, Date.now() + 3_600_000);
      const read = async (raw: boolean, maxBytes: number) => {
        const seen: string[] = [];
        const consumer = { ...consumerConfig, maxBytesPerPartition: maxBytes, maxBytes };
        const common = { kafka, admin, topic: mixed, ranges, consumer, groupPrefix: 'rnn-stream-replay-test' };
        const result = raw
          ? await readTopicRange({
              ...common,
              onRecords: (p, records) => {
                while (records.next()) seen.push(`${p}:${records.offset}:${records.timestampText()}:${records.key()?.toString('hex')}:${records.value()?.toString('hex')}`);
              },
            })
          : await readTopicRange({
              ...common,
              onMessages: (p, messages) => void messages.forEach((m) => seen.push(`${p}:${m.offset}:${m.timestamp}:${m.key?.toString('hex')}:${m.value?.toString('hex')}`)),
            });
        // Per partition in the order handed over (the partitions' batches come in no fixed order).
        const byPartition = (q: number) => seen.filter((line) => line.startsWith(`${q}:`));
        return { seen: [byPartition(0), byPartition(1)], counts: [...result.messages.entries()].sort() };
      };
      const reference = await read(false, 1 << 20);
      // 4 committed transactions of 10 and 6 plain sends of 4.
      expect(reference.seen.flat().length).toBe(4 * 10 + 6 * 4);
      for (const maxBytes of [1 << 20, 300]) expect(await read(true, maxBytes), `maxBytes ${maxBytes}`).toEqual(reference);
    } finally {
      await tx.disconnect();
      await admin.deleteTopics({ topics: [mixed] }).catch(() => undefined);
    }
  }, 90_000);

  it('stops at the end offsets computed at the start, whatever arrives later', async () => {
    const ranges = await topicTimeRange(admin, topic, T0, T0 + 3_600_000);
    const total = ranges.reduce((n, r) => n + r.end - r.start, 0);
    await producer.send({ topic, messages: Array.from({ length: 8 }, (_, i) => tickMessage('AAA', 100 + i)) });
    let seen = 0;
    const result = await readTopicRange({
      kafka,
      admin,
      topic,
      ranges,
      consumer: consumerConfig,
      groupPrefix: 'rnn-stream-replay-test',
      onMessages: (_p, messages) => {
        seen += messages.length;
      },
    });
    expect(total).toBe(60 * 4 + 2);
    expect(seen).toBe(total);
    expect([...result.messages.values()].reduce((a, b) => a + b, 0)).toBe(total);
  }, 60_000);

  it('refuses an empty range and a range without records', async () => {
    await expect(topicTimeRange(admin, topic, T0 + 5, T0 + 5)).rejects.toThrow(/the time range is empty/);
    await expect(
      readTopicEvents({ kafka, admin, topic, fromMs: T0 - 10_000, toMs: T0, kind: 'tick', limits: DEFAULT_DECODE_LIMITS, consumer: consumerConfig, groupPrefix: 'rnn-stream-replay-test' }),
    ).rejects.toThrow(/no record of topic .* has a timestamp in \[2025-03-02T23:59:50.000Z, 2025-03-03T00:00:00.000Z\)/);
  }, 60_000);
});
