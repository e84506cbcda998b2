import type { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceConfig } from '../../src/config/service-config.js';
import { partitionForKey } from '../../src/kafka/partition-for-key.js';
import { createPipelineMetrics } from '../../src/metrics/pipeline-metrics.js';
import { openStateStore } from '../../src/service/open-state-store.js';
import { startKafkaPipeline } from '../../src/service/start-kafka-pipeline.js';
import type { RedisStateStore } from '../../src/state/redis-state-store.js';
import {
  backtest, bodySourceOf, createTopics, createWorld, predictionOf, produceSlowly, saveTestModel, sameState, tail, ticks, waitFor, worldConfig, type TestWorld,
} from './pipeline-fixture.js';
import { clusterNodes, connectMasters, deletePrefix, migrateSlot, MISSING_CLUSTER_MESSAGE, ownerOf, redirectCounts, skipCluster } from './redis-cluster-services.js';
import { integrationServices, skipIntegration, type IntegrationServices } from './services.js';

const EVENTS = 3000;
const PARTITIONS = 3;

describe.skipIf(skipIntegration || skipCluster)('pipeline on real Kafka and a three-master Redis Cluster', () => {
  let services: IntegrationServices;
  let world: TestWorld;
  let masters: Map<string, Redis>;
  beforeAll(async () => {
    if (clusterNodes.length === 0) throw new Error(MISSING_CLUSTER_MESSAGE);
    services = await integrationServices();
    world = await createWorld(services, 'cluster');
    masters = await connectMasters();
  });
  afterAll(async () => {
    if (masters) {
      await deletePrefix(masters, world.prefix);
      for (const m of masters.values()) m.disconnect();
    }
    await world?.cleanup();
    await services?.stop();
  });

  it('keeps every invariant while a partition hash slot migrates to another master mid-stream', async () => {
    expect(masters.size).toBe(3);
    const loaded = await saveTestModel(world.dir, 'tick', { cell: 'gru' });
    const [seed, ...more] = clusterNodes;
    const { config } = await worldConfig(world, loaded.manifestPath, { redis: { url: `redis://${seed}`, mode: 'cluster', clusterNodes: more } });
    expect(config.redis.mode).toBe('cluster');
    const input = ticks(EVENTS, 24, 13);
    await createTopics(world);
    const out = await tail(world, world.output);

    const store = openStateStore(config.redis);
    const metrics = createPipelineMetrics(new Registry(), { defaultMetrics: false });
    const pipeline = await startKafkaPipeline({ config, loaded, store, metrics, logger: pino({ level: config.logging.level }) });
    // The partition whose slot moves: the one with the most keys of the input.
    const counts = new Array<number>(PARTITIONS).fill(0);
    for (const e of input) counts[partitionForKey(e.key, PARTITIONS)]++;
    const moving = counts.indexOf(Math.max(...counts));
    const anyMaster = masters.values().next().value as Redis;
    const keys = store.keys.partition({ topic: world.input, partition: moving });
    const slot = Number(await anyMaster.cluster('KEYSLOT', keys.states));
    // One slot per partition: every script of a batch runs on one node.
    expect(Number(await anyMaster.cluster('KEYSLOT', keys.watermark))).toBe(slot);
    expect(Number(await anyMaster.cluster('KEYSLOT', keys.outbox))).toBe(slot);
    const from = await ownerOf(masters, slot);
    const to = [...masters.keys()].find((id) => id !== from)!;
    const before = await redirectCounts(masters);
    let keysMoved: number;
    try {
      await waitFor('partitions assigned', () => pipeline.assigned().length === PARTITIONS);
      const producing = produceSlowly(world, input, 50, 100);
      await waitFor('a third of the predictions', () => out.records.length >= EVENTS / 3);
      keysMoved = await migrateSlot(masters, slot, from, to, 300);
      await producing;
      await waitFor('every prediction', () => new Set(out.records.map(bodySourceOf)).size >= EVENTS);
      await waitFor('the state watermarks to reach the end of the input', () => drainedOn(store, world, config));
    } finally {
      await pipeline.stop();
    }
    await out.stop();

    // The slot really moved, with the partition's keys, and clients were redirected.
    expect(keysMoved).toBeGreaterThanOrEqual(2);
    expect(await ownerOf(masters, slot)).toBe(to);
    expect(Number(await masters.get(to)!.cluster('COUNTKEYSINSLOT', slot))).toBeGreaterThanOrEqual(2);
    expect(Number(await masters.get(from)!.cluster('COUNTKEYSINSLOT', slot))).toBe(0);
    const after = await redirectCounts(masters);
    const redirects = { MOVED: after.MOVED - before.MOVED, ASK: after.ASK - before.ASK, TRYAGAIN: after.TRYAGAIN - before.TRYAGAIN };
    console.info(`[cluster] slot ${slot} (partition ${moving}) moved ${from} -> ${to}, ${keysMoved} keys; replies during the run: ${JSON.stringify(redirects)}`);
    expect(redirects.MOVED + redirects.ASK + redirects.TRYAGAIN).toBeGreaterThan(0);

    // No event lost; a repeated prediction (a batch retried after a redirect) is identical.
    const bySource = new Map<string, string>();
    for (const r of out.records) {
      const source = bodySourceOf(r);
      const value = String(r.value);
      expect(bySource.get(source) ?? value, source).toBe(value);
      bySource.set(source, value);
    }
    expect(bySource.size).toBe(EVENTS);

    // Predictions and final states equal the offline backtest, bit for bit.
    const reference = await backtest(loaded, input.map((e) => e.value));
    for (const record of out.records) {
      const p = predictionOf(record);
      expect(p.output).toEqual(reference.predictions.get(p.key)?.[p.step - 1].output);
    }
    try {
      for (const [key, state] of reference.states) {
        expect(sameState(await store.readKey({ topic: world.input, partition: partitionForKey(key, PARTITIONS) }, key), state), key).toBe(true);
      }
    } finally {
      await store.close();
    }
  }, 300_000);
});

/** True when the store's watermark of every input partition has reached the partition's last offset. */
async function drainedOn(store: RedisStateStore, world: TestWorld, config: ServiceConfig): Promise<boolean> {
  const admin = world.kafka.admin();
  await admin.connect();
  try {
    for (const { partition, high } of await admin.fetchTopicOffsets(config.kafka.inputTopic)) {
      const { watermark } = await store.loadPartition({ topic: world.input, partition });
      if (watermark !== Number(high) - 1) return false;
    }
    return true;
  } finally {
    await admin.disconnect();
  }
}
