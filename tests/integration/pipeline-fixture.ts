/**
 * Shared helpers of the pipeline integration tests (8a-8e of issue 4): seeded models saved to
 * disk, per-test configuration (fresh topics, group and key prefix), producing input, reading
 * output topics, waiting on conditions, the offline reference, and clean-up.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect } from 'vitest';
import { Kafka, logLevel, type Consumer, type IHeaders } from 'kafkajs';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { stringify as toYaml } from 'yaml';
import { runBacktest } from '../../src/backtest/run-backtest.js';
import { loadConfig } from '../../src/config/load-config.js';
import { mergeConfig } from '../../src/config/merge-config.js';
import type { ServiceConfig } from '../../src/config/service-config.js';
import type { Prediction } from '../../src/records/prediction.js';
import { startKafkaPipeline, type KafkaPipeline, type KafkaPipelineOptions } from '../../src/service/start-kafka-pipeline.js';
import { createPipelineMetrics, type PipelineMetrics } from '../../src/metrics/pipeline-metrics.js';
import { initParams } from '../../src/model/init-params.js';
import { loadModel, type LoadedModel } from '../../src/model/load-model.js';
import { SeededRandom } from '../../src/model/random.js';
import { RnnModel } from '../../src/model/rnn-model.js';
import { saveModel } from '../../src/model/save-model.js';
import type { KeyState } from '../../src/state/key-state.js';
import { RedisStateStore } from '../../src/state/redis-state-store.js';
import { integrationServices, uniqueName, type IntegrationServices } from './services.js';
import { createTopicsReady } from '../../src/kafka/create-topics-ready.js';

/** Everything one test owns: names, a temp dir, and clients for checking. */
export interface TestWorld {
  readonly name: string;
  readonly dir: string;
  readonly input: string;
  readonly output: string;
  readonly dlq: string;
  readonly group: string;
  readonly prefix: string;
  readonly kafka: Kafka;
  readonly redis: Redis;
  readonly services: IntegrationServices;
  cleanup(): Promise<void>;
}

/**
 * For the calling `describe`: connects the services before its tests and returns a maker of
 * worlds; every world made is cleaned up, and the services stopped, after its tests.
 */
export function worldsOfDescribe(): (label: string) => Promise<TestWorld> {
  let services: IntegrationServices | undefined;
  const worlds: TestWorld[] = [];
  beforeAll(async () => {
    services = await integrationServices();
  });
  afterAll(async () => {
    for (const w of worlds) await w.cleanup();
    await services?.stop();
  });
  return async (label) => {
    if (services === undefined) throw new Error('worldsOfDescribe: services are not connected (called outside a test?)');
    const world = await createWorld(services, label);
    worlds.push(world);
    return world;
  };
}

/** Fresh topic names, group and key prefix for one test. */
export async function createWorld(services: IntegrationServices, label: string): Promise<TestWorld> {
  const name = uniqueName(`it-${label}`);
  const dir = await mkdtemp(join(tmpdir(), `${name}-`));
  const kafka = new Kafka({ clientId: name, brokers: services.kafkaBrokers, logLevel: logLevel.NOTHING });
  const redis = new Redis(services.redisUrl, { maxRetriesPerRequest: 2 });
  const world = {
    name, dir, kafka, redis, services,
    input: `${name}-in`,
    output: `${name}-out`,
    dlq: `${name}-dlq`,
    group: `${name}-group`,
    prefix: `${name}`,
    async cleanup(): Promise<void> {
      const admin = kafka.admin();
      try {
        await admin.connect();
        const existing = new Set(await admin.listTopics());
        const mine = [world.input, world.output, world.dlq].filter((t) => existing.has(t));
        if (mine.length > 0) await admin.deleteTopics({ topics: mine });
        await admin.deleteGroups([world.group]).catch(() => undefined);
      } finally {
        await admin.disconnect();
      }
      for (let cursor = '0'; ; ) {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${world.prefix}:*`, 'COUNT', 1000);
        if (keys.length > 0) await redis.del(...keys);
        cursor = next;
        if (cursor === '0') break;
      }
      await redis.quit();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return world;
}

/** A seeded model saved as manifest + safetensors in `dir`: vector features, or market ticks. */
export async function saveTestModel(dir: string, kind: 'vector' | 'tick', opts: { cell?: 'gru' | 'lstm'; hidden?: number } = {}): Promise<LoadedModel> {
  const inputSize = 3;
  const spec = { cell: opts.cell ?? 'gru', inputSize, hiddenSize: opts.hidden ?? 16, numLayers: 2, outputSize: 2 } as const;
  const model = new RnnModel(spec, initParams(spec, new SeededRandom(kind === 'tick' ? 11 : 5)));
  const manifest: Parameters<typeof saveModel>[1] =
    kind === 'tick'
      ? { name: 'it-tick', features: { kind: 'market', inputs: ['log_return', 'log_volume', 'time_gap'] }, normalisation: { mean: [0, 5, 0.5], std: [0.01, 2, 0.5] } }
      : { name: 'it-vector', output: { names: ['a', 'b'], decode: 'identity' } };
  const saved = await saveModel(dir, manifest, model);
  return loadModel(saved.manifestPath);
}

/** The test's service configuration (fresh names, short session timeout; `extra` merged over), also written as a YAML file. */
export async function worldConfig(world: TestWorld, manifestPath: string, extra: Record<string, unknown> = {}): Promise<{ config: ServiceConfig; file: string }> {
  const layer = {
    kafka: {
      clientId: world.name,
      brokers: world.services.kafkaBrokers,
      groupId: world.group,
      inputTopic: world.input,
      outputTopic: world.output,
      deadLetterTopic: world.dlq,
      sessionTimeoutMs: 6000,
      heartbeatIntervalMs: 1000,
      rebalanceTimeoutMs: 10000,
      fetchMaxWaitMs: 100,
      maxBytesPerPartition: 16384,
      topics: { create: true, partitions: 3, replicationFactor: 1 },
    },
    redis: { url: world.services.redisUrl, keyPrefix: world.prefix },
    model: { manifest: manifestPath },
    metrics: { host: '127.0.0.1', port: 0 },
    shutdown: { gracefulTimeoutMs: 20000 },
    logging: { level: process.env.IT_LOG_LEVEL ?? 'warn' },
  };
  const file = join(world.dir, 'config.yaml');
  await writeFile(file, toYaml(mergeConfig(layer, extra)));
  return { config: await loadConfig({ file, env: {} }), file };
}

/** Creates the test's input, output and dead-letter topics (3 partitions each) when missing. */
export async function createTopics(world: TestWorld): Promise<void> {
  const admin = world.kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const topics = [world.input, world.output, world.dlq].filter((t) => !existing.has(t)).map((topic) => ({ topic, numPartitions: 3 }));
    if (topics.length > 0) await createTopicsReady(admin, topics);
  } finally {
    await admin.disconnect();
  }
}

/** Creates the topics and produces `messages` to the input topic, in order (default partitioner). */
export async function produceInput(world: TestWorld, messages: readonly { key: string | null; value: string | Buffer | null }[]): Promise<void> {
  await createTopics(world);
  const producer = world.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += 500) {
      await producer.send({ topic: world.input, acks: -1, messages: messages.slice(i, i + 500).map((m) => ({ key: m.key, value: m.value })) });
    }
  } finally {
    await producer.disconnect();
  }
}

/** A message read back from an output topic. */
export interface OutRecord {
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: IHeaders;
}

/**
 * Reads `topic` (one of the world's, created when missing) from the beginning into `records`
 * (live), until stopped; read_committed (kafkajs' default) unless `readUncommitted`.
 */
export async function tail(world: TestWorld, topic: string, opts: { readUncommitted?: boolean } = {}): Promise<{ records: OutRecord[]; stop: () => Promise<void> }> {
  await createTopics(world);
  const records: OutRecord[] = [];
  const consumer: Consumer = world.kafka.consumer({ groupId: uniqueName(`${world.name}-reader`), maxWaitTimeInMs: 100, readUncommitted: opts.readUncommitted ?? false });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      records.push({ partition, offset: message.offset, key: message.key?.toString() ?? null, value: message.value, headers: message.headers ?? {} });
    },
  });
  return { records, stop: () => consumer.disconnect() };
}

/** Polls `cond` until it holds, or fails after `timeoutMs` with `what`. No timing is asserted. */
export async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

/** The pipeline in this process, on a RedisStateStore and its own metrics registry (`kafkaClient`: see KafkaPipelineOptions). */
export async function startInProcess(
  config: ServiceConfig,
  loaded: LoadedModel,
  kafkaClient?: KafkaPipelineOptions['kafkaClient'],
): Promise<{ pipeline: KafkaPipeline; store: RedisStateStore; metrics: PipelineMetrics; stop: () => Promise<void> }> {
  const store = new RedisStateStore({ connection: { url: config.redis.url }, keyPrefix: config.redis.keyPrefix });
  const metrics = createPipelineMetrics(new Registry(), { defaultMetrics: false });
  const pipeline = await startKafkaPipeline({ config, loaded, store, metrics, logger: pino({ level: config.logging.level }), kafkaClient }).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  return {
    pipeline, store, metrics,
    stop: async () => {
      await pipeline.stop();
      await store.close();
    },
  };
}

/** The offline reference: `rnn-stream backtest` in process on the same event lines. */
export async function backtest(loaded: LoadedModel, lines: readonly string[]): Promise<{ predictions: Map<string, Prediction[]>; states: Map<string, KeyState> }> {
  const predictions = new Map<string, Prediction[]>();
  const { states } = await runBacktest({
    loaded,
    input: Readable.from(lines.map((l) => `${l}\n`)),
    onPrediction: (p) => {
      const list = predictions.get(p.key) ?? [];
      list.push(p);
      predictions.set(p.key, list);
    },
  });
  return { predictions, states };
}

/** Parses a prediction record's value. */
export function predictionOf(r: OutRecord): Prediction {
  return JSON.parse(String(r.value)) as Prediction;
}

/** `partition:offset` of the input event a prediction answers, read from its body (predictions carry no headers by default). */
export function bodySourceOf(r: OutRecord): string {
  const { source } = predictionOf(r);
  return `${source?.partition}:${source?.offset}`;
}

/** Reads one key's state from Redis through a fresh store (the contract's readKey). */
export async function storedState(config: ServiceConfig, topic: string, partition: number, key: string): Promise<KeyState | null> {
  const store = new RedisStateStore({ connection: { url: config.redis.url }, keyPrefix: config.redis.keyPrefix });
  try {
    return await store.readKey({ topic, partition }, key);
  } finally {
    await store.close();
  }
}

/** True when the store's watermark of every input partition has reached the partition's last offset. */
export async function drained(world: TestWorld, config: ServiceConfig): Promise<boolean> {
  const admin = world.kafka.admin();
  await admin.connect();
  const store = new RedisStateStore({ connection: { url: config.redis.url }, keyPrefix: config.redis.keyPrefix });
  try {
    for (const { partition, high } of await admin.fetchTopicOffsets(world.input)) {
      const { watermark } = await store.loadPartition({ topic: world.input, partition });
      if (watermark !== Number(high) - 1) return false;
    }
    return true;
  } finally {
    await store.close();
    await admin.disconnect();
  }
}

/** Seeded market ticks over `symbols` symbols (SYM00...), timestamps 100 ms apart. */
export function ticks(count: number, symbols: number, seed: number): { key: string; value: string }[] {
  const rng = new SeededRandom(seed);
  const prices = Array.from({ length: symbols }, () => 50 + rng.uniform(0, 100));
  return Array.from({ length: count }, (_, i) => {
    const s = rng.int(symbols);
    prices[s] *= Math.exp(0.002 * rng.normal());
    const symbol = `SYM${String(s).padStart(2, '0')}`;
    return { key: symbol, value: JSON.stringify({ symbol, ts: 1_764_000_000_000 + i * 100, price: prices[s], volume: rng.int(1000) }) };
  });
}

/** Produces `messages` in chunks of `chunk` with a pause between chunks, in the background. */
export function produceSlowly(world: TestWorld, messages: readonly { key: string; value: string }[], chunk = 100, pauseMs = 100): Promise<void> {
  return (async () => {
    const producer = world.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      for (let i = 0; i < messages.length; i += chunk) {
        await producer.send({ topic: world.input, acks: -1, messages: messages.slice(i, i + chunk).map((m) => ({ key: m.key, value: m.value })) });
        await sleep(pauseMs);
      }
    } finally {
      await producer.disconnect();
    }
  })();
}

/** Compares two states bit for bit (hidden as float32 bytes, memory, step). */
export function sameState(a: KeyState | null | undefined, b: KeyState | null | undefined): boolean {
  if (!a || !b) return false;
  const bytes = (s: KeyState): Buffer => Buffer.from(s.hidden.buffer, s.hidden.byteOffset, s.hidden.byteLength);
  const mem = (s: KeyState): Buffer => Buffer.from(s.memory.buffer, s.memory.byteOffset, s.memory.byteLength);
  return bytes(a).equals(bytes(b)) && mem(a).equals(mem(b)) && a.step === b.step;
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** `rnn-stream run --config <file>` as a child process; its output is kept for diagnostics. */
export function runChild(configFile: string, log: string[]): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', 'run', '--config', configFile], {
    cwd: ROOT,
    env: { ...process.env, KAFKAJS_NO_PARTITIONER_WARNING: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => log.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => log.push(d.toString()));
  return child;
}

/** Options of {@link sigkillAndRestart}. */
export interface SigkillAndRestartOptions {
  readonly world: TestWorld;
  readonly config: ServiceConfig;
  /** The configuration file both children run with. */
  readonly file: string;
  readonly input: readonly { key: string; value: string }[];
  /** The output topic's records as they arrive (tail). */
  readonly out: { readonly records: OutRecord[] };
  /** The input coordinates a prediction names: every input must have one. */
  readonly sourceOf: (r: OutRecord) => string;
  /** The children started, for afterAll to kill what is left. */
  readonly children: ChildProcess[];
  /** The children's output, written to stderr when the scenario fails. */
  readonly log: string[];
}

/**
 * The SIGKILL-and-restart scenario: `input` is produced slowly while `rnn-stream run` runs as a
 * child; once a quarter of the predictions are out it is killed with SIGKILL and a second child
 * starts, which must predict every input, drain the state watermarks to the end of the input and
 * exit 0 on SIGTERM. Returns how many predictions were out when the first child was killed.
 */
export async function sigkillAndRestart(o: SigkillAndRestartOptions): Promise<number> {
  const events = o.input.length;
  try {
    const producing = produceSlowly(o.world, o.input, 100, 150);
    const first = runChild(o.file, o.log);
    o.children.push(first);
    await waitFor('a quarter of the predictions from the first process', () => o.out.records.length >= events / 4);
    first.kill('SIGKILL');
    await once(first, 'exit');
    const killedAt = o.out.records.length;
    const second = runChild(o.file, o.log);
    o.children.push(second);
    await producing;
    await waitFor('a prediction for every event', () => new Set(o.out.records.map(o.sourceOf)).size >= events, 180_000);
    await waitFor('the state watermarks to reach the end of the input', () => drained(o.world, o.config));
    second.kill('SIGTERM');
    const [code] = (await once(second, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(killedAt).toBeLessThan(events);
    return killedAt;
  } catch (error) {
    process.stderr.write(`child output:\n${o.log.join('')}\n`);
    throw error;
  }
}
