import type { ChildProcess } from 'node:child_process';
import pino from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StateStoreError } from '../../src/errors/state-store-error.js';
import { partitionForKey } from '../../src/kafka/partition-for-key.js';
import { createPipelineMetrics } from '../../src/metrics/pipeline-metrics.js';
import { startKafkaPipeline } from '../../src/service/start-kafka-pipeline.js';
import { RedisStateStore } from '../../src/state/redis-state-store.js';
import type { BatchWrite, StateStore } from '../../src/state/state-store.js';
import {
  backtest, bodySourceOf, createTopics, createWorld, drained, predictionOf, produceSlowly, saveTestModel, sameState, sigkillAndRestart, storedState, tail, ticks, waitFor, worldConfig, type TestWorld,
} from './pipeline-fixture.js';
import { integrationServices, skipIntegration, type IntegrationServices } from './services.js';

const EVENTS = 3000;

/**
 * A RedisStateStore whose batch writes fail as chosen: `before` throws before the write reaches
 * Redis (nothing stored), `after` writes and then throws as if the reply were lost (the state and
 * the outbox are stored, the predictions not produced yet). Both as a retriable StateStoreError,
 * as a dropped connection gives.
 */
class FailingWrites implements StateStore {
  readonly failed: string[] = [];
  private calls = 0;
  constructor(
    private readonly inner: RedisStateStore,
    private readonly plan: ReadonlyMap<number, 'before' | 'after'>,
  ) {}
  loadPartition: StateStore['loadPartition'] = (p) => this.inner.loadPartition(p);
  loadShadow: StateStore['loadShadow'] = (p, v) => this.inner.loadShadow(p, v);
  markProduced: StateStore['markProduced'] = (p, w) => this.inner.markProduced(p, w);
  readKey: StateStore['readKey'] = (p, k) => this.inner.readKey(p, k);
  ping = (): Promise<void> => this.inner.ping();
  close = (): Promise<void> => this.inner.close();

  async applyBatch(write: BatchWrite): Promise<void> {
    const how = this.plan.get(++this.calls);
    const lost = (): StateStoreError => new StateStoreError(`injected failure ${how} write ${this.calls}`, { op: 'apply', ...write.partition }, { retriable: true });
    if (how === 'before') {
      this.failed.push(`before:${write.partition.partition}:${write.watermark}`);
      throw lost();
    }
    await this.inner.applyBatch(write);
    if (how === 'after') {
      this.failed.push(`after:${write.partition.partition}:${write.watermark}`);
      throw lost();
    }
  }
}

describe.skipIf(skipIntegration)('pipeline on real Kafka and Redis: write-behind (pipeline.writeBehind)', () => {
  let services: IntegrationServices;
  let world: TestWorld;
  beforeAll(async () => {
    services = await integrationServices();
    world = await createWorld(services, 'write-behind');
  });
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await crashWorld?.cleanup();
    await world?.cleanup();
    await services?.stop();
  });
  let crashWorld: TestWorld | undefined;

  it('after a SIGKILL with background writes in flight, a restart ends with the states of an offline replay and every event predicted as the replay predicts it', async () => {
    crashWorld = await createWorld(services, 'write-behind-kill');
    const w = crashWorld;
    const loaded = await saveTestModel(w.dir, 'tick');
    const { config, file } = await worldConfig(w, loaded.manifestPath, { kafka: { maxBytesPerPartition: 4096 }, pipeline: { writeBehind: true } });
    const input = ticks(EVENTS, 25, 37);
    await createTopics(w);
    const out = await tail(w, w.output);
    const log: string[] = [];
    await sigkillAndRestart({ world: w, config, file, input, out, sourceOf: bodySourceOf, children, log });
    const reference = await backtest(loaded, input.map((e) => e.value));
    const first = expectReplayPredictions(out.records, reference);
    expect(first.size).toBe(EVENTS);
    for (const [key, state] of reference.states) {
      expect(sameState(await storedState(config, w.input, partitionForKey(key, 3), key), state)).toBe(true);
    }
    await out.stop();
  }, 240_000);

  it('loses nothing and keeps each key in order when background writes fail before and after reaching Redis', async () => {
    const loaded = await saveTestModel(world.dir, 'tick', { cell: 'gru' });
    const { config } = await worldConfig(world, loaded.manifestPath, { pipeline: { writeBehind: true } });
    expect(config.pipeline.writeBehind).toBe(true);
    const input = ticks(EVENTS, 20, 11);
    await createTopics(world);
    const out = await tail(world, world.output);
    const redis = new RedisStateStore({ connection: { url: config.redis.url }, keyPrefix: config.redis.keyPrefix });
    // Writes 3, 9 and 15 fail with nothing stored; 6, 12 and 20 are stored but their reply "lost".
    const store = new FailingWrites(redis, new Map([[3, 'before'], [6, 'after'], [9, 'before'], [12, 'after'], [15, 'before'], [20, 'after']]));
    const metrics = createPipelineMetrics(new Registry(), { defaultMetrics: false });
    const pipeline = await startKafkaPipeline({ config, loaded, store, metrics, logger: pino({ level: config.logging.level }) });
    try {
      await waitFor('partitions assigned', () => pipeline.assigned().length === 3);
      await produceSlowly(world, input, 50, 40);
      await waitFor('the state watermarks to reach the end of the input', () => drained(world, config));
      await waitFor('a prediction for every event', () => new Set(out.records.map(bodySourceOf)).size >= EVENTS);
    } finally {
      await pipeline.stop();
      await store.close();
    }
    // Every planned failure happened (the stream had more writes than the plan).
    expect(store.failed).toHaveLength(6);

    // Every input offset has a prediction, each equal to the offline replay's for its key and step;
    // a repeat (the outbox of a write whose reply was lost, produced again) is byte-identical.
    const reference = await backtest(loaded, input.map((e) => e.value));
    const first = expectReplayPredictions(out.records, reference);
    expect(first.size).toBe(EVENTS);
    // Per key, the first copy of each prediction arrives in step order (offset order).
    const lastStep = new Map<string, number>();
    const firstSeen = new Set<string>();
    for (const record of out.records) {
      const source = bodySourceOf(record);
      if (firstSeen.has(source)) continue;
      firstSeen.add(source);
      const p = predictionOf(record);
      expect(p.step).toBe((lastStep.get(p.key) ?? 0) + 1);
      lastStep.set(p.key, p.step);
    }
    for (const [key, state] of reference.states) {
      expect(sameState(await storedState(config, world.input, partitionForKey(key, 3), key), state)).toBe(true);
    }
    await out.stop();
  }, 240_000);
});

/**
 * Checks every output record against the offline replay (`reference`): its prediction equals the
 * replay's for its key and step, and a repeat is byte-identical to the first copy. Returns the
 * first copy of each prediction by its source coordinates.
 */
function expectReplayPredictions(
  records: readonly Parameters<typeof bodySourceOf>[0][],
  reference: Awaited<ReturnType<typeof backtest>>,
): Map<string, string> {
  const first = new Map<string, string>();
  for (const record of records) {
    const source = bodySourceOf(record);
    const bytes = String(record.value);
    const seen = first.get(source);
    if (seen !== undefined) expect(bytes).toBe(seen);
    else first.set(source, bytes);
    const p = predictionOf(record);
    expect(p.output).toEqual(reference.predictions.get(p.key)?.[p.step - 1].output);
  }
  return first;
}
