/**
 * Event-loop benchmark: `npm run bench:event-loop [-- --events 1000000 --cell lstm --hidden 256
 * --layers 2 --seconds 60 --json]`.
 *
 * Does a slow model starve the service? On real Kafka and Redis (KAFKA_BROKERS, REDIS_URL):
 * 1. saves a seeded model (--cell, --hidden, --layers; market ticks in, one output) to a temp dir
 *    with the project's own init/save code, or uses --model <manifest> (a market-tick model);
 * 2. produces a backlog of --events ticks over --symbols symbols to a fresh input topic (not timed);
 * 3. runs `rnn-stream run` on it as a child process with the shipped defaults (config/default.yaml:
 *    session timeout, fetch sizes, graceful bound), plus any `--set key=value` overrides;
 * 4. while it runs for --seconds: probes /healthz back to back (one request at a time, 50 ms
 *    apart) and /metrics every second, recording each response time; reads the partitions'
 *    watermarks from Redis every 2 s (progress); counts group (re)joins and failed batches from
 *    the service's log (more than one join of a lone member = it was evicted and rejoined);
 *    The same probing runs against a bare Node HTTP server in another process (the floor: what
 *    the busy machine alone costs a request); the service's own event-loop delay is read from
 *    its /metrics (nodejs_eventloop_lag_p99_seconds, _max_seconds: perf_hooks'
 *    monitorEventLoopDelay, prom-client's default metrics) at the end of the window;
 * 5. sends SIGTERM and times the exit (--profile <dir>: the service writes a CPU profile there).
 * Prints response-time percentiles and maxima, joins, failed batches, events applied in the
 * window, and the stop time against the graceful bound. Topics and keys are deleted afterwards.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { stringify as toYaml } from 'yaml';
import { initParams } from '../src/model/init-params.js';
import { SeededRandom } from '../src/model/random.js';
import { RnnModel } from '../src/model/rnn-model.js';
import { saveModel } from '../src/model/save-model.js';
import { createTopicsReady } from '../src/kafka/create-topics-ready.js';
import { parseSets, setPath } from './config-overrides.js';

const { values: opts } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    symbols: { type: 'string', default: '1000' },
    partitions: { type: 'string', default: '3' },
    cell: { type: 'string', default: 'lstm' },
    hidden: { type: 'string', default: '256' },
    layers: { type: 'string', default: '2' },
    seconds: { type: 'string', default: '60' },
    workers: { type: 'string' },
    model: { type: 'string' },
    profile: { type: 'string' },
    set: { type: 'string', multiple: true, default: [] },
    json: { type: 'boolean' },
  },
});
const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter((b) => b.trim() !== '');
const redisUrl = process.env.REDIS_URL;
if (brokers.length === 0 || !redisUrl) {
  process.stderr.write('bench:event-loop needs KAFKA_BROKERS and REDIS_URL: deploy/local/services.sh up && eval "$(deploy/local/services.sh env)"\n');
  process.exit(2);
}
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const id = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
const names = { input: `bench-el-${id}-ticks`, output: `bench-el-${id}-predictions`, dlq: `bench-el-${id}-dlq`, prefix: `bench-el-${id}`, group: `bench-el-${id}` };
const events = Number(opts.events);
const symbols = Number(opts.symbols);
const partitions = Number(opts.partitions);
const seconds = Number(opts.seconds);
const log = (line: string): void => void (opts.json || process.stderr.write(`${line}\n`));

const dir = await mkdtemp(join(tmpdir(), 'bench-event-loop-'));
const kafka = new Kafka({ clientId: 'rnn-stream-bench', brokers, logLevel: logLevel.NOTHING });
const admin = kafka.admin();
const redis = new Redis(redisUrl);
try {
  const spec = { cell: opts.cell as 'lstm', inputSize: 3, hiddenSize: Number(opts.hidden), numLayers: Number(opts.layers), outputSize: 1 };
  const model = new RnnModel(spec, initParams(spec, new SeededRandom(7)));
  const saved = opts.model
    ? { manifestPath: resolve(opts.model) }
    : await saveModel(dir, {
      name: 'bench-slow',
      features: { kind: 'market', inputs: ['log_return', 'log_volume', 'time_gap'] },
      normalisation: { mean: [0, 5, 0.5], std: [0.01, 2, 0.5] },
    }, model);
  await admin.connect();
  await createTopicsReady(admin, [names.input, names.output, names.dlq].map((topic) => ({ topic, numPartitions: partitions })));
  await produceBacklog();

  const port = await freePort();
  const overrides = parseSets(opts.set);
  const config = {
    kafka: { brokers, clientId: 'rnn-stream-bench', groupId: names.group, inputTopic: names.input, outputTopic: names.output, deadLetterTopic: names.dlq, topics: { create: false, partitions, replicationFactor: 1 } },
    redis: { url: redisUrl, keyPrefix: names.prefix },
    model: { manifest: saved.manifestPath },
    metrics: { host: '127.0.0.1', port },
    logging: { level: 'info' },
  };
  for (const [path, value] of Object.entries(overrides)) setPath(config, path, value);
  const configFile = join(dir, 'config.yaml');
  await writeFile(configFile, toYaml(config));
  const graceful = Number((overrides['shutdown.gracefulTimeoutMs'] as number | undefined) ?? 30_000);

  const args = [...(opts.profile ? ['--cpu-prof', '--cpu-prof-dir', opts.profile] : []), '--import', 'tsx', 'src/cli/bin.ts', 'run', '--config', configFile];
  if (opts.workers) args.push('--workers', opts.workers);
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, KAFKAJS_NO_PARTITIONER_WARNING: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const counts = { joins: 0, failed: 0, rebalancing: 0 };
  let tail = '';
  const onLog = (chunk: Buffer): void => {
    tail = (tail + chunk.toString()).slice(-20_000);
    for (const line of chunk.toString().split('\n')) {
      if (line.includes('"partitions assigned"')) counts.joins++;
      if (line.includes('batch failed')) counts.failed++;
      if (line.includes('rebalancing')) counts.rebalancing++;
    }
  };
  child.stdout.on('data', onLog);
  child.stderr.on('data', onLog);
  const exited = once(child, 'exit') as Promise<[number | null, string | null]>;

  const floorPort = await freePort();
  const floor = spawn(process.execPath, ['-e', `require('node:http').createServer((q, r) => r.end('ok')).listen(${floorPort}, '127.0.0.1')`], { stdio: 'ignore' });
  try {
    await waitUntil(() => get(port, '/healthz', 1000).then(() => true, () => false), 120_000);
    await waitUntil(() => get(floorPort, '/', 1000).then(() => true, () => false), 10_000);
  } catch (error) {
    process.stderr.write(`service log tail:\n${tail.slice(-4000)}\n`);
    child.kill('SIGKILL');
    floor.kill();
    throw error;
  }
  log(`service up on port ${port}; observing for ${seconds} s`);
  const start = performance.now();
  const until = start + seconds * 1000;
  const health: number[] = [];
  const metricsTimes: number[] = [];
  const floorTimes: number[] = [];
  const progress: { at: number; applied: number }[] = [];
  const probeHealth = (async () => {
    while (performance.now() < until) {
      health.push(await timed(() => get(port, '/healthz', 600_000)));
      await sleep(50);
    }
  })();
  const probeFloor = (async () => {
    while (performance.now() < until) {
      floorTimes.push(await timed(() => get(floorPort, '/', 600_000)));
      await sleep(50);
    }
  })();
  // prom-client resets its event-loop delay histogram at every collection: each scrape reports
  // the delays since the previous one, so the window's figures are the worst of the scrapes.
  const lag = { p99: 0, max: 0 };
  let fetchLimitBytes = NaN;
  const probeMetrics = (async () => {
    while (performance.now() < until) {
      const t = performance.now();
      const body = await getBody(port, '/metrics');
      metricsTimes.push(performance.now() - t);
      const now = loopLag(body);
      lag.p99 = Math.max(lag.p99, now.p99 || 0);
      lag.max = Math.max(lag.max, now.max || 0);
      const limit = /^rnn_stream_fetch_partition_limit_bytes ([0-9.e+]+)/m.exec(body);
      if (limit) fetchLimitBytes = Number(limit[1]);
      await sleep(1000);
    }
  })();
  const baseline = await applied();
  const readProgress = (async () => {
    while (performance.now() < until) {
      progress.push({ at: (performance.now() - start) / 1000, applied: (await applied()) - baseline });
      await sleep(2000);
    }
  })();
  await Promise.all([probeHealth, probeMetrics, readProgress, probeFloor]);
  const appliedInWindow = (await applied()) - baseline;
  floor.kill();
  const joinsBeforeStop = counts.joins;
  const t0 = performance.now();
  child.kill('SIGTERM');
  const [code, signal] = await exited;
  const stopMs = performance.now() - t0;

  const result = {
    model: opts.model ?? `${opts.cell} ${opts.hidden}x${opts.layers}`, events, symbols, partitions, seconds, workers: opts.workers ?? null, overrides,
    healthz: summary(health), metrics: summary(metricsTimes), floor: summary(floorTimes), eventLoopLagMs: lag, fetchLimitBytes,
    joins: joinsBeforeStop, rebalanceLogLines: counts.rebalancing, failedBatches: counts.failed,
    appliedInWindow, progress,
    stop: { ms: Math.round(stopMs), code, signal, gracefulBoundMs: graceful },
  };
  if (opts.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else {
    log(`model ${result.model}, backlog ${events} events, ${partitions} partitions, observed ${seconds} s`);
    log(`/healthz  n=${result.healthz.n} p50 ${result.healthz.p50} ms  p99 ${result.healthz.p99} ms  max ${result.healthz.max} ms  over 100 ms: ${result.healthz.over100}`);
    log(`/metrics  n=${result.metrics.n} p50 ${result.metrics.p50} ms  p99 ${result.metrics.p99} ms  max ${result.metrics.max} ms  over 100 ms: ${result.metrics.over100}`);
    log(`floor     n=${result.floor.n} p50 ${result.floor.p50} ms  p99 ${result.floor.p99} ms  max ${result.floor.max} ms  over 100 ms: ${result.floor.over100} (bare HTTP server, same machine)`);
    log(`service event-loop delay: worst p99 ${lag.p99} ms, max ${lag.max} ms (its /metrics, per scrape)`);
    log(`fetch limit per partition at the last scrape: ${fetchLimitBytes} bytes (rnn_stream_fetch_partition_limit_bytes)`);
    log(`group joins ${result.joins} (1 = never evicted), rebalance log lines ${result.rebalanceLogLines}, failed batches ${result.failedBatches}`);
    log(`events applied in the window: ${appliedInWindow} (${progress.map((p) => `${p.at.toFixed(0)}s:${p.applied}`).join(' ')})`);
    log(`SIGTERM -> exit in ${result.stop.ms} ms (code ${code}, signal ${signal}; graceful bound ${graceful} ms)`);
  }
  if (code !== 0) process.stderr.write(`service log tail:\n${tail.slice(-4000)}\n`);
} finally {
  await cleanup();
}

/** GET `path` and its body ('' on error; no time limit). */
function getBody(port: number, path: string): Promise<string> {
  return new Promise<string>((resolve) => {
    const req = request({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d)).on('end', () => resolve(body));
    });
    req.on('error', () => resolve(''));
    req.end();
  });
}

/** Event-loop delay p99 and max (ms) in a /metrics body (NaN when absent). */
function loopLag(text: string): { p99: number; max: number } {
  const read = (name: string): number => {
    const m = new RegExp(`^${name} ([0-9.e+-]+)`, 'm').exec(text);
    return m ? Math.round(Number(m[1]) * 1000) : NaN;
  };
  return { p99: read('nodejs_eventloop_lag_p99_seconds'), max: read('nodejs_eventloop_lag_max_seconds') };
}

/** Sum over partitions of (watermark + 1) in Redis: events applied so far. */
async function applied(): Promise<number> {
  let total = 0;
  for (let p = 0; p < partitions; p++) {
    const wm = await redis.get(`${names.prefix}:{${names.input}:${p}}:wm`);
    if (wm !== null) total += Number(wm) + 1;
  }
  return total;
}

async function produceBacklog(): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  const rng = new SeededRandom(3);
  const prices = Array.from({ length: symbols }, () => 50 + rng.uniform(0, 100));
  const t = performance.now();
  const chunk = 20_000;
  for (let i = 0; i < events; i += chunk) {
    const messages = [];
    for (let j = i; j < Math.min(events, i + chunk); j++) {
      const s = rng.int(symbols);
      prices[s] *= Math.exp(0.002 * rng.normal());
      const symbol = `SYM${String(s).padStart(4, '0')}`;
      messages.push({ key: symbol, value: JSON.stringify({ symbol, ts: 1_764_000_000_000 + j * 10, price: prices[s], volume: rng.int(1000) }) });
    }
    await producer.send({ topic: names.input, acks: 1, messages });
  }
  await producer.disconnect();
  log(`produced ${events} events in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

async function cleanup(): Promise<void> {
  await admin.deleteTopics({ topics: [names.input, names.output, names.dlq] }).catch(() => undefined);
  await admin.deleteGroups([names.group]).catch(() => undefined);
  await admin.disconnect().catch(() => undefined);
  for (let cursor = '0'; ;) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${names.prefix}:*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
    if (cursor === '0') break;
  }
  await redis.quit();
  await rm(dir, { recursive: true, force: true });
}

function summary(ms: number[]): { n: number; p50: number; p99: number; max: number; over100: number } {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number): number => (s.length === 0 ? NaN : Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))]));
  return { n: s.length, p50: at(0.5), p99: at(0.99), max: at(1), over100: s.filter((v) => v > 100).length };
}

async function timed(f: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await f().catch(() => undefined);
  return performance.now() - t;
}

function get(port: number, path: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 || res.statusCode === 503 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

async function waitUntil(cond: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error('the service did not start');
    await sleep(200);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
