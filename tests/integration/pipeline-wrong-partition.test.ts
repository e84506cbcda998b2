import { describe, expect, it } from 'vitest';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { partitionForKey } from '../../src/kafka/partition-for-key.js';
import { HEADERS } from '../../src/records/record-headers.js';
import { createTopics, worldsOfDescribe, drained, saveTestModel, startInProcess, tail, ticks, waitFor, worldConfig, type TestWorld } from './pipeline-fixture.js';
import { skipIntegration } from './services.js';

const SYMBOLS = 40;
const EVENTS = 800;

/** Where librdkafka's default partitioner (consistent_random) puts a non-empty key: crc32 mod count (zlib's crc32 here). */
const librdkafkaPartition = (key: string): number => zlibCrc32(Buffer.from(key)) % 3;

/**
 * Produces half of the ticks as a Java/kafkajs client would (murmur2) and half, for the same
 * symbols, as a librdkafka client would (crc32): each message's partition given explicitly.
 */
async function produceMixed(world: TestWorld, input: readonly { key: string; value: string }[]): Promise<{ key: string; partition: number }[]> {
  await createTopics(world);
  const placed = input.map((m, i) => ({ ...m, partition: i % 2 === 0 ? partitionForKey(m.key, 3) : librdkafkaPartition(m.key) }));
  const producer = world.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    await producer.send({ topic: world.input, acks: -1, messages: placed.map((m) => ({ key: m.key, value: m.value, partition: m.partition })) });
  } finally {
    await producer.disconnect();
  }
  return placed;
}

interface RunResult {
  readonly predictions: number;
  readonly dead: { reason: string; partition: string; key: string | null }[];
  readonly placed: { key: string; partition: number }[];
  /** rnn_stream_wrong_partition_events_total at the end. */
  readonly counted: number;
}

async function runOver(world: TestWorld, extra: Record<string, unknown>): Promise<RunResult> {
  const loaded = await saveTestModel(world.dir, 'tick');
  const { config } = await worldConfig(world, loaded.manifestPath, extra);
  const placed = await produceMixed(world, ticks(EVENTS, SYMBOLS, 23));
  const out = await tail(world, world.output);
  const dlq = await tail(world, world.dlq);
  const running = await startInProcess(config, loaded);
  let counted = NaN;
  try {
    await waitFor('every event handled', () => drained(world, config));
    const metric = await running.metrics.registry.getSingleMetric('rnn_stream_wrong_partition_events_total')?.get();
    counted = metric?.values[0]?.value ?? NaN;
  } finally {
    await running.stop();
  }
  await waitFor('outputs read', () => out.records.length + dlq.records.length >= EVENTS, 30_000);
  await out.stop();
  await dlq.stop();
  return {
    predictions: out.records.length,
    dead: dlq.records.map((r) => ({ reason: String(r.headers[HEADERS.reason]), partition: String(r.headers[HEADERS.sourcePartition]), key: r.key })),
    placed,
    counted,
  };
}

describe.skipIf(skipIntegration)('pipeline on real Kafka and Redis: keys placed by another partitioner (wrong_partition)', () => {
  const newWorld = worldsOfDescribe();

  it('dead-letters the librdkafka-placed events whose key belongs elsewhere under murmur2 (default)', async () => {
    const world = await newWorld('wrongpart-murmur2');
    const { predictions, dead, placed, counted } = await runOver(world, {});
    const misplaced = placed.filter((m) => partitionForKey(m.key, 3) !== m.partition);
    expect(misplaced.length).toBeGreaterThan(EVENTS / 8);
    expect(counted).toBe(misplaced.length);
    expect(dead).toHaveLength(misplaced.length);
    expect(dead.every((d) => d.reason === 'wrong_partition')).toBe(true);
    for (const d of dead) expect(Number(d.partition)).not.toBe(partitionForKey(d.key ?? '', 3));
    expect(predictions).toBe(EVENTS - misplaced.length);
  }, 180_000);

  it('under partitioner consistent_random, dead-letters the murmur2-placed ones instead', async () => {
    const world = await newWorld('wrongpart-crc32');
    const { predictions, dead, placed } = await runOver(world, { events: { partitioner: 'consistent_random' } });
    const misplaced = placed.filter((m) => librdkafkaPartition(m.key) !== m.partition);
    expect(dead).toHaveLength(misplaced.length);
    expect(dead.every((d) => d.reason === 'wrong_partition')).toBe(true);
    expect(predictions).toBe(EVENTS - misplaced.length);
  }, 180_000);

  it('applies and counts them under wrongPartitionPolicy count', async () => {
    const world = await newWorld('wrongpart-count');
    const { predictions, dead, placed, counted } = await runOver(world, { events: { wrongPartitionPolicy: 'count' } });
    expect(dead).toHaveLength(0);
    expect(counted).toBe(placed.filter((m) => partitionForKey(m.key, 3) !== m.partition).length);
    expect(counted).toBeGreaterThan(0);
    expect(predictions).toBe(EVENTS);
  }, 180_000);
});
