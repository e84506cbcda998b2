import { CompressionTypes, type Message } from 'kafkajs';
import type { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { partitionForKey } from '../../src/kafka/partition-for-key.js';
import { HEADERS } from '../../src/records/record-headers.js';
import type { ServiceConfig } from '../../src/config/service-config.js';
import {
  backtest, createTopics, worldsOfDescribe, drained, predictionOf, produceInput, saveTestModel, sameState, startInProcess, storedState, tail, waitFor, worldConfig, type OutRecord, type TestWorld,
} from './pipeline-fixture.js';
import { skipIntegration } from './services.js';

const T0 = 1_764_000_000_000;
const tick = (symbol: string, i: number): string => JSON.stringify({ symbol, ts: T0 + i * 1000, price: 100 + (i % 7), volume: 10 * i });

/** Three symbols, one on each of the input topic's 3 partitions. */
const SYMBOLS: readonly string[] = (() => {
  const byPartition = new Map<number, string>();
  for (let i = 0; byPartition.size < 3; i++) {
    const s = `HX${i}`;
    if (!byPartition.has(partitionForKey(s, 3))) byPartition.set(partitionForKey(s, 3), s);
  }
  return [...byPartition.values()];
})();

/** `n` good ticks per symbol, numbered from `from`, interleaved over the symbols. */
function goodTicks(from: number, n: number): { key: string; value: string }[] {
  const out: { key: string; value: string }[] = [];
  for (let i = from; i < from + n; i++) for (const s of SYMBOLS) out.push({ key: s, value: tick(s, i) });
  return out;
}

/** Produces raw kafkajs messages to the world's input topic with a plain (non-idempotent) producer. */
async function produceRaw(world: TestWorld, messages: Message[], compression = CompressionTypes.None): Promise<void> {
  await createTopics(world);
  // Retries ride out a transient NOT_LEADER_OR_FOLLOWER right after the topic's creation;
  // MESSAGE_TOO_LARGE is not retriable, so a refused record still fails at once.
  const producer = world.kafka.producer({ retry: { retries: 5 } });
  await producer.connect();
  try {
    await producer.send({ topic: world.input, acks: -1, compression, messages });
  } finally {
    await producer.disconnect();
  }
}

/** Every symbol's predictions and stored state are those of the offline replay `reference`. */
async function expectAsReplayed(records: readonly OutRecord[], config: ServiceConfig, world: TestWorld, reference: Awaited<ReturnType<typeof backtest>>): Promise<void> {
  for (const s of SYMBOLS) {
    expect(records.filter((r) => r.key === s).map((r) => predictionOf(r).output)).toEqual(reference.predictions.get(s)?.map((p) => p.output));
    expect(sameState(await storedState(config, world.input, partitionForKey(s, 3), s), reference.states.get(s))).toBe(true);
  }
}

async function counterValue(registry: Registry, name: string, labels: Record<string, string>): Promise<number> {
  const metric = await registry.getSingleMetric(name)?.get();
  const hit = metric?.values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x));
  return hit?.value ?? 0;
}

describe.skipIf(skipIntegration)('pipeline on real Kafka and Redis: hostile messages', () => {
  const newWorld = worldsOfDescribe();

  it('applies a tick carrying 10,000 headers like any other and dead-letters a bad one; every partition keeps flowing', async () => {
    const world = await newWorld('hostile-headers');
    const loaded = await saveTestModel(world.dir, 'tick');
    const { config } = await worldConfig(world, loaded.manifestPath);
    const [victim] = SYMBOLS;
    const headers: Record<string, string> = {};
    for (let i = 0; i < 10_000; i++) headers[`h${i}`] = String(i % 10);
    const before = goodTicks(0, 5);
    const after = goodTicks(6, 5);
    await produceInput(world, before);
    await produceRaw(world, [
      { key: victim, value: tick(victim, 5), headers },
      { key: victim, value: '{"not json', headers },
    ]);
    await produceInput(world, after);
    const out = await tail(world, world.output);
    const dlq = await tail(world, world.dlq);
    const run = await startInProcess(config, loaded);
    const valid = before.length + 1 + after.length;
    try {
      await waitFor(`${valid} predictions and a dead letter`, () => out.records.length >= valid && dlq.records.length >= 1);
      await waitFor('all partitions drained', () => drained(world, config));
    } finally {
      await run.stop();
      await out.stop();
      await dlq.stop();
    }
    expect(out.records).toHaveLength(valid);
    expect(dlq.records).toHaveLength(1);
    expect(String(dlq.records[0].headers[HEADERS.reason])).toBe('malformed_json');
    // Every key, the one behind the headers included, ends exactly where an offline replay does.
    const lines = [...before.map((m) => m.value), tick(victim, 5), ...after.map((m) => m.value)];
    const reference = await backtest(loaded, lines);
    await expectAsReplayed(out.records, config, world, reference);
  });

  it('skips a gzip bomb batch unread, counts it, and goes on past it; every partition keeps flowing', async () => {
    const world = await newWorld('hostile-gzip');
    const loaded = await saveTestModel(world.dir, 'tick');
    const limit = 4 << 20;
    const { config } = await worldConfig(world, loaded.manifestPath, { kafka: { maxDecompressedBatchBytes: limit } });
    const [, victim] = SYMBOLS;
    const before = goodTicks(0, 5);
    const after = goodTicks(5, 5);
    await produceInput(world, before);
    const run = await startInProcess(config, loaded);
    const out = await tail(world, world.output);
    try {
      await waitFor(`${before.length} predictions`, () => out.records.length >= before.length);
      // 8 records of 4 MiB of zeros: 32 MiB once decompressed, some 32 KiB on the wire.
      const bomb = Array.from({ length: 8 }, () => ({ key: victim, value: Buffer.alloc(limit) }));
      await produceRaw(world, bomb, CompressionTypes.GZIP);
      await produceInput(world, after);
      await waitFor(`${before.length + after.length} predictions`, () => out.records.length >= before.length + after.length);
      await waitFor('all partitions drained', () => drained(world, config));
      expect(await counterValue(run.metrics.registry, 'rnn_stream_skipped_record_batches_total', { reason: 'decompression_limit' })).toBe(1);
      expect(await counterValue(run.metrics.registry, 'rnn_stream_rejected_events_total', { reason: 'malformed_json' })).toBe(0);
    } finally {
      await run.stop();
      await out.stop();
    }
    expect(out.records).toHaveLength(before.length + after.length);
    const reference = await backtest(loaded, [...before, ...after].map((m) => m.value));
    await expectAsReplayed(out.records, config, world, reference);
  });

  it('dead-letters records that fill the broker size limit with a value or a key (far over the fetch size per partition) behind a backlog; nothing stalls', async () => {
    const world = await newWorld('hostile-max');
    const loaded = await saveTestModel(world.dir, 'tick');
    const { config } = await worldConfig(world, loaded.manifestPath, { kafka: { maxBytesPerPartition: 16384 } });
    const [, , victim] = SYMBOLS;
    const admin = world.kafka.admin();
    await createTopics(world);
    await admin.connect();
    const [limitEntry] = (await admin.describeConfigs({ resources: [{ type: 2, name: world.input, configNames: ['max.message.bytes'] }], includeSynonyms: false })).resources[0].configEntries;
    await admin.disconnect();
    const limit = Number(limitEntry.configValue);
    // A batch of one record: 61 bytes of batch header, then the record: length varint (3), attributes,
    // timestamp and offset deltas (1 each), key (1 + 3), value (3 + n), header count (1).
    const valueBytes = limit - 61 - 3 - 1 - 1 - 1 - (1 + victim.length) - 3 - 1;
    await expect(produceRaw(world, [{ key: victim, value: Buffer.alloc(valueBytes + 1, 0x20) }])).rejects.toThrow(/larger than the max message size/);

    const backlog = goodTicks(0, 200);
    await produceInput(world, backlog);
    await produceRaw(world, [{ key: victim, value: Buffer.alloc(valueBytes, 0x20) }]);
    // The same limit filled by a key instead: key (3 + n), value '{}' (1 + 2).
    const keyBytes = limit - 61 - 3 - 1 - 1 - 1 - 3 - (1 + 2) - 1;
    await produceRaw(world, [{ key: Buffer.alloc(keyBytes, 0x6b), value: '{}', partition: partitionForKey(victim, 3) }]);
    const after = goodTicks(200, 5);
    await produceInput(world, after);
    const out = await tail(world, world.output);
    const dlq = await tail(world, world.dlq);
    const run = await startInProcess(config, loaded);
    const valid = backlog.length + after.length;
    try {
      await waitFor(`${valid} predictions and 2 dead letters`, () => out.records.length >= valid && dlq.records.length >= 2);
      await waitFor('all partitions drained', () => drained(world, config));
    } finally {
      await run.stop();
      await out.stop();
      await dlq.stop();
    }
    expect(out.records).toHaveLength(valid);
    expect(dlq.records).toHaveLength(2);
    const [bigValue, bigKey] = [...dlq.records].sort((a, b) => Number(a.headers[HEADERS.sourceOffset]) - Number(b.headers[HEADERS.sourceOffset]));
    expect(String(bigValue.headers[HEADERS.reason])).toBe('oversized');
    expect(String(bigValue.headers[HEADERS.originalSize])).toBe(String(valueBytes));
    expect(bigValue.value?.length).toBe(65_536);
    expect(String(bigKey.headers[HEADERS.reason])).toBe('oversized');
    expect(String(bigKey.headers[HEADERS.originalKeySize])).toBe(String(keyBytes));
    expect(bigKey.key?.length).toBe(1024);
  });
});
