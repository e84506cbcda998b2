/**
 * One chaos run: fresh topics (6 partitions), group and key prefix on the runner's own services;
 * `rnn-stream run` processes; seeded events produced at a fixed rate while the scenario injects
 * its faults; then the wait for the pipeline to drain, a graceful stop, and the independent
 * verification (verify-run.ts).
 */
import { mkdirSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { Redis } from 'ioredis';
import { writeChaosModel } from './chaos-model.js';
import type { ChaosServices } from './chaos-services.js';
import { EventStream, type PlannedMessage } from './event-stream.js';
import { LagMonitor } from './lag-monitor.js';
import type { ScenarioContext } from './scenario-context.js';
import type { Scenario } from './scenarios.js';
import { SeededRandom } from './seeded-random.js';
import type { TcpProxy } from './tcp-proxy.js';
import { passed, RECENT_INPUTS, verifyRun, type VerifyResult } from './verify-run.js';
import { WorkerPool } from './worker-pool.js';
import { createTopicsReady } from '../src/kafka/create-topics-ready.js';

const PARTITIONS = 6;
const LAG_THRESHOLD = 1000;
const RECOVERY_LIMIT_S = 60;
const SESSION_TIMEOUT_MS = 6000;
/** Events produced before the processes are warm. */
const PREROLL_EVENTS = 3000;

export interface RunOptions {
  readonly root: string;
  readonly workDir: string;
  readonly services: ChaosServices;
  readonly proxy: TcpProxy;
  readonly events: number;
  readonly keys: number;
  readonly rate: number;
  readonly invalidRate: number;
  /** Extra `kafka` settings of the service (e.g. retry) merged into the run's config. */
  readonly kafkaOverrides?: Record<string, unknown>;
  /** The smoke run: fewer faults of each kind. */
  readonly smoke?: boolean;
  /** The service processes' logging.level (default warn). */
  readonly logLevel?: string;
  /** The service's output.guarantee (default at_least_once). */
  readonly guarantee?: 'at_least_once' | 'exactly_once';
}

export interface RunResult {
  readonly scenario: string;
  readonly seed: number;
  readonly guarantee: 'at_least_once' | 'exactly_once';
  readonly faults: number;
  readonly recoveries: (number | null)[];
  readonly verify: VerifyResult;
  readonly unexpectedExits: string[];
  readonly ok: boolean;
  readonly seconds: number;
  readonly logFile: string;
}

export async function runScenario(scenario: Scenario, seed: number, opts: RunOptions): Promise<RunResult> {
  const started = Date.now();
  const guarantee = opts.guarantee ?? 'at_least_once';
  const name = `chaos-${scenario.name}-${seed}-${started.toString(36)}`;
  const dir = join(opts.workDir, name);
  mkdirSync(dir, { recursive: true });
  const logFile = join(dir, 'run.log');
  const log = (line: string): void => appendFileSync(logFile, `${new Date().toISOString()} ${line}\n`);
  const topics = { input: `${name}-in`, output: `${name}-out`, dlq: `${name}-dlq` };
  const brokers = opts.services.brokers;
  const kafka = new Kafka({ clientId: 'chaos-runner', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await createTopicsReady(admin, Object.values(topics).map((topic) => ({ topic, numPartitions: PARTITIONS })));
  await admin.disconnect();

  const manifestPath = writeChaosModel(dir, seed);
  const configFile = join(dir, 'config.json');
  writeFileSync(configFile, JSON.stringify({
    kafka: {
      clientId: name, brokers, groupId: `${name}-group`, inputTopic: topics.input, outputTopic: topics.output, deadLetterTopic: topics.dlq,
      sessionTimeoutMs: SESSION_TIMEOUT_MS, heartbeatIntervalMs: 1000, rebalanceTimeoutMs: 10000, fetchMaxWaitMs: 100,
      maxBytesPerPartition: 262144, topics: { create: false, partitions: PARTITIONS, replicationFactor: 1 },
      ...opts.kafkaOverrides,
    },
    redis: { url: `redis://127.0.0.1:${opts.proxy.port}`, keyPrefix: name, commandTimeoutMs: 5000 },
    output: { guarantee },
    model: { manifest: manifestPath, warmStartInputs: RECENT_INPUTS },
    metrics: { host: '127.0.0.1', port: 0 },
    shutdown: { gracefulTimeoutMs: 30000 },
    logging: { level: opts.logLevel ?? 'warn' },
  }, null, 2));

  await opts.services.setAppendFsync(scenario.appendfsync);
  const aofStart = opts.services.appendFileSize();
  const aofSamples: { at: number; size: number }[] = [];
  const aofTimer = setInterval(() => {
    try {
      aofSamples.push({ at: Date.now(), size: opts.services.appendFileSize() });
    } catch {
      // Redis is restarting; the file may be missing for a moment.
    }
  }, 100);

  const stream = new EventStream(seed, opts.keys, PARTITIONS, opts.invalidRate);
  const lag = new LagMonitor(brokers, opts.services.redisUrl, topics.input, name, PARTITIONS);
  await lag.start();
  const pool = new WorkerPool(opts.root, configFile, dir);
  for (let slot = 0; slot < scenario.workers; slot++) pool.start(slot);

  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const sendQueue: PlannedMessage[][] = [];
  let faultsDone = false;
  let over = false;
  let go!: () => void;
  const started$ = new Promise<void>((resolve) => (go = resolve));
  const producing = produce(producer, topics.input, stream, opts, sendQueue, log, () => faultsDone, started$, () => over);

  let faults = 0;
  const recoveries: (number | null)[] = [];
  const rng = new SeededRandom(seed * 31 + scenario.name.length);
  const ctx: ScenarioContext = {
    pool, services: opts.services, proxy: opts.proxy, sessionTimeoutMs: SESSION_TIMEOUT_MS,
    count: (full, smoke) => (opts.smoke ? smoke : full),
    sleep: (ms) => sleep(ms),
    fault: (label) => {
      faults++;
      log(`fault ${faults}: ${label}`);
    },
    healed: async () => {
      const at = Date.now();
      log(`healed (lag ${lag.current()})`);
      const deadline = at + RECOVERY_LIMIT_S * 1000;
      while (Date.now() < deadline && lag.recoverySeconds(at, LAG_THRESHOLD) === null) await sleep(250);
      const seconds = lag.recoverySeconds(at, LAG_THRESHOLD);
      recoveries.push(seconds);
      log(`recovered: ${seconds === null ? 'NOT within 60 s' : `${seconds.toFixed(1)} s`}`);
    },
    note: (text) => log(text),
    firstWritesCommitted: async () => {
      const redis = new Redis(opts.services.redisUrl, { maxRetriesPerRequest: 1 });
      const groupAdmin = kafka.admin();
      await groupAdmin.connect();
      try {
        for (;;) {
          // The group's coordinator may still be loading on a young broker: ask again.
          const committed = await groupAdmin.fetchOffsets({ groupId: `${name}-group`, topics: [topics.input] }).catch(() => []);
          const past = (committed[0]?.partitions ?? []).filter((p) => Number(p.offset) > 0).map((p) => p.partition);
          if (past.length > 0 && (await redis.exists(`${name}:{${topics.input}:${past[0]}}:wm`)) === 1) {
            log(`first commits in partitions ${past.join(', ')}`);
            return aofStart;
          }
          await sleep(20);
        }
      } finally {
        redis.disconnect();
        await groupAdmin.disconnect();
      }
    },
    appendSizeAgo: (ms) => {
      const cutoff = Date.now() - ms;
      return [...aofSamples].reverse().find((s) => s.at <= cutoff)?.size ?? aofStart;
    },
    garbage: async (count) => {
      const burst = Array.from({ length: count }, () => stream.garbage());
      sendQueue.push(burst);
      while (sendQueue.includes(burst)) await sleep(50);
    },
  };

  let failure: unknown;
  try {
    if (!scenario.startsCold) {
      // Faults hit a running pipeline: every partition has applied something and the lag is low.
      const deadline = Date.now() + 240_000;
      while (!(await warm(lag, name, topics.input, opts.services.redisUrl)) && Date.now() < deadline) await sleep(500);
      log(`pipeline warm (lag ${lag.current()})`);
    }
    go();
    await scenario.run(ctx, rng).finally(() => (faultsDone = true));
    await producing;
    log(`produced ${stream.plan.length} messages; waiting for the lag to reach 0`);
    const deadline = Date.now() + 240_000;
    while ((await lag.measure()) !== 0 && Date.now() < deadline) await sleep(500);
    log(`drained: lag ${await lag.measure()}`);
  } catch (error) {
    failure = error;
    go();
    log(`run failed: ${String(error)}`);
  } finally {
    over = true;
    clearInterval(aofTimer);
    await producer.disconnect().catch(() => undefined);
    await pool.stopAll();
    await lag.stop();
  }
  const verify = await verifyRun({
    brokers, redisUrl: opts.services.redisUrl, keyPrefix: name, ...topics, manifestPath, plan: stream.plan, guarantee,
  });
  if (failure !== undefined) verify.problems.unshift(`run failed: ${String(failure)}`);
  for (const p of verify.problems) log(`problem: ${p}`);
  // The smoke run reports recovery times but does not assert them: machines are shared
  // and noisy, and a timing check there would fail on load, not on a fault of the pipeline.
  const recoveredInTime = opts.smoke === true || recoveries.every((s) => s !== null && s <= RECOVERY_LIMIT_S);
  const ok = failure === undefined && passed(verify) && recoveredInTime && pool.unexpectedExits.length === 0;
  log(`result: ${ok ? 'PASS' : 'FAIL'} ${JSON.stringify({ ...verify, problems: undefined })}`);
  for (const e of pool.unexpectedExits) log(`unexpected exit: ${e}`);
  return { scenario: scenario.name, seed, guarantee, faults, recoveries, verify, unexpectedExits: pool.unexpectedExits, ok, seconds: (Date.now() - started) / 1000, logFile };
}

/** Whether every input partition has a stored watermark and the lag is under the threshold. */
async function warm(lag: LagMonitor, prefix: string, topic: string, redisUrl: string): Promise<boolean> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    const wms = await redis.mget(...Array.from({ length: PARTITIONS }, (_, p) => `${prefix}:{${topic}:${p}}:wm`));
    return wms.every((w) => w !== null) && ((await lag.measure()) ?? Infinity) < LAG_THRESHOLD;
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

/** Produces the stream at `opts.rate` messages per second (chunks every 100 ms), queued bursts first; retries a failed send. */
async function produce(
  producer: Producer, topic: string, stream: EventStream, opts: RunOptions, queue: PlannedMessage[][], log: (l: string) => void, faultsDone: () => boolean,
  started: Promise<void>,
  over: () => boolean,
): Promise<void> {
  // A pre-roll for the processes to start on; the rest flows while the faults are injected.
  const preroll = Math.min(opts.events, PREROLL_EVENTS);
  const perChunk = Math.max(1, Math.round(opts.rate / 10));
  let sent = 0;
  const send = async (chunk: PlannedMessage[], firstId: number): Promise<void> => {
    const messages = chunk.map((m, i) => ({ key: m.rawKey ?? m.key, value: m.value, partition: m.partition, headers: { 'chaos-id': String(firstId + i) } }));
    for (let attempt = 1; ; attempt++) {
      try {
        await producer.send({ topic, acks: -1, messages });
        return;
      } catch (error) {
        if (over()) return;
        if (attempt === 1 || attempt % 10 === 0) log(`produce failed (attempt ${attempt}): ${String(error)}`);
        await sleep(500);
      }
    }
  };
  while (sent < opts.events || queue.length > 0 || !faultsDone()) {
    if ((sent >= opts.events && faultsDone() && queue.length === 0) || over()) break;
    const tick = Date.now();
    const burst = queue[0];
    if (burst) {
      await send(burst, stream.plan.indexOf(burst[0]));
      queue.shift();
      continue;
    }
    if (sent >= opts.events && faultsDone()) {
      await sleep(100);
      continue;
    }
    if (sent === preroll) await started;
    const firstId = stream.plan.length;
    // At least `events`, and events keep flowing until the last fault healed and was measured.
    const limit = sent < preroll ? preroll : faultsDone() ? opts.events : Infinity;
    const chunk = Array.from({ length: Math.min(perChunk, limit - sent) }, () => stream.next());
    sent += chunk.length;
    await send(chunk, firstId);
    const wait = 100 - (Date.now() - tick);
    if (wait > 0) await sleep(wait);
  }
}
