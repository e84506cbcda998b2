/**
 * Resource footprint of one `rnn-stream run` process at fixed input rates, for sizing container
 * requests and limits (deploy/k8s, docs/kubernetes.md). For each rate: a fresh input topic, the
 * compiled service started as a user starts it (`bin/rnn-stream.js run --config`), `simulate`
 * producing at the rate, and the service's CPU (utime + stime from /proc/<pid>/stat) and RSS
 * (VmRSS, VmHWM) and its event counter (rnn_stream_events_total) sampled every second. Prints per
 * rate: idle RSS before input, CPU in cores over 5 s windows after a warm-up (median and range),
 * RSS (median, peak), the rate actually served, CPU per served event, and whether the service kept
 * up (lag at the end). Needs KAFKA_BROKERS and REDIS_URL; uses unique topics, group and key
 * prefix and removes them afterwards.
 *
 *   npm run build && npx tsx bench/footprint.ts -- --rates 200,1000,drain --seconds 60 --symbols 1000
 *
 * `drain` produces --backlog events first and then starts the service: its saturated rate and CPU.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { Redis } from 'ioredis';

const ROOT = resolve(import.meta.dirname, '..');
const CLOCK_TICKS = 100; // USER_HZ on Linux
const PAGE_WINDOW_S = 5;

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    rates: { type: 'string', default: '200,1000' },
    seconds: { type: 'string', default: '60' },
    warmup: { type: 'string', default: '15' },
    symbols: { type: 'string', default: '1000' },
    partitions: { type: 'string', default: '3' },
    backlog: { type: 'string', default: '200000' },
  },
});
/** `drain` in --rates: --backlog events are produced before the service starts (its saturated rate). */
const DRAIN = 0;
const rates = values.rates.split(',').map((r) => (r === 'drain' ? DRAIN : Number(r)));
const backlog = Number(values.backlog);
const seconds = Number(values.seconds);
const warmup = Number(values.warmup);
const symbols = Number(values.symbols);
const partitions = Number(values.partitions);
const brokers = process.env.KAFKA_BROKERS;
const redisUrl = process.env.REDIS_URL;
if (!brokers || !redisUrl) throw new Error('set KAFKA_BROKERS and REDIS_URL (deploy/local/services.sh env)');
for (const n of [...rates.filter((r) => r !== DRAIN), seconds, warmup, symbols, partitions, backlog]) if (!(n > 0)) throw new Error(`bad numeric option ${n}`);

interface Sample {
  readonly t: number;
  readonly cpuS: number;
  readonly rssMiB: number;
  /** Events the service applied or rejected so far (rnn_stream_events_total). */
  events?: number;
}

function sample(pid: number): Sample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuS = (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS; // utime, stime
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return { t: performance.now() / 1000, cpuS, rssMiB: rssKiB / 1024 };
}

function peakMiB(pid: number): number {
  return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function waitHealthy(port: number, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) throw new Error(`the service exited with ${child.exitCode} before it was ready`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) return;
    } catch {
      // not listening yet: poll again
    }
    await sleep(500);
  }
  throw new Error('the service was not ready after 120 s');
}

/** Sum of a metric's series on the service's /metrics. */
async function metricSum(port: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  let sum = 0;
  for (const m of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))) sum += Number(m[1]);
  return sum;
}

async function phase(rate: number): Promise<void> {
  const id = `footprint-${process.pid}-${rate}-${Date.now().toString(36)}`;
  const dir = mkdtempSync(join(tmpdir(), 'rnn-footprint-'));
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const cfg = join(dir, 'config.yaml');
  writeFileSync(
    cfg,
    [
      `kafka: { brokers: [${JSON.stringify(brokers)}], groupId: ${id}, inputTopic: ${id}, outputTopic: ${id}.out, deadLetterTopic: ${id}.dlq,`,
      `  topics: { partitions: ${partitions} } }`,
      `redis: { url: ${JSON.stringify(redisUrl)}, keyPrefix: ${id} }`,
      `model: { manifest: ${JSON.stringify(join(ROOT, 'examples/models/demo-gru.json'))} }`,
      `metrics: { port: ${port}, lagRefreshMs: 1000 }`,
      `logging: { level: warn }`,
      '',
    ].join('\n'),
  );
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('RNN_STREAM_')) env[k] = v;
  const simulate = (r: number, count: number): ChildProcess =>
    spawn(
      process.execPath,
      [join(ROOT, 'bin/rnn-stream.js'), 'simulate', '--config', cfg, '--topic', id, '--partitions', String(partitions), '--rate', String(r), '--symbols', String(symbols), '--count', String(count)],
      { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'ignore'] },
    );
  if (rate === DRAIN) {
    const pre = simulate(1_000_000, backlog);
    const [code] = (await once(pre, 'exit')) as [number | null];
    if (code !== 0) throw new Error(`simulate exited with ${code} while producing the backlog`);
  }
  const service = spawn(process.execPath, [join(ROOT, 'bin/rnn-stream.js'), 'run', '--config', cfg], { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'inherit'] });
  let simulator: ChildProcess | undefined;
  try {
    await waitHealthy(port, service);
    const idle = sample(service.pid!);
    if (rate !== DRAIN) {
      await sleep(3000);
      simulator = simulate(rate, rate * (seconds + warmup));
    }
    const samples: Sample[] = [];
    const end = performance.now() / 1000 + warmup + seconds;
    while (performance.now() / 1000 < end && service.exitCode === null) {
      const s = sample(service.pid!);
      s.events = await metricSum(port, 'rnn_stream_events_total');
      samples.push(s);
      if (rate === DRAIN && s.events >= backlog) break;
      await sleep(1000);
    }
    await sleep(2000);
    const lag = await metricSum(port, 'rnn_stream_consumer_lag_messages');
    const steady = samples.filter((s) => s.t >= samples[0].t + warmup);
    const first = steady[0];
    const last = steady[steady.length - 1];
    const served = (last.events! - first.events!) / (last.t - first.t);
    const cpuPerEvent = (last.cpuS - first.cpuS) / (last.events! - first.events!);
    const cores: number[] = [];
    for (let i = PAGE_WINDOW_S; i < steady.length; i += PAGE_WINDOW_S) {
      cores.push((steady[i].cpuS - steady[i - PAGE_WINDOW_S].cpuS) / (steady[i].t - steady[i - PAGE_WINDOW_S].t));
    }
    const rss = steady.map((s) => s.rssMiB);
    const f = (x: number, d = 0): string => x.toFixed(d);
    console.log(
      `${rate === DRAIN ? `drain of ${backlog} events` : `rate ${rate}/s`}, ${symbols} keys, ${partitions} partitions: idle RSS ${f(idle.rssMiB)} MiB; ` +
        `CPU ${f(median(cores), 3)} cores (range ${f(Math.min(...cores), 3)}-${f(Math.max(...cores), 3)}, ${cores.length} windows of ${PAGE_WINDOW_S} s); ` +
        `RSS median ${f(median(rss))} MiB, max ${f(Math.max(...rss))} MiB, peak (VmHWM) ${f(peakMiB(service.pid!))} MiB; ` +
        `served ${f(served)} events/s; CPU per event ${f(cpuPerEvent * 1e6)} µs; lag at end ${lag}`,
    );
  } finally {
    simulator?.kill('SIGTERM');
    if (service.exitCode === null) {
      service.kill('SIGTERM');
      await once(service, 'exit');
    }
    await cleanUp(id);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function cleanUp(id: string): Promise<void> {
  const admin = new Kafka({ brokers: brokers!.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    await admin.deleteTopics({ topics: [id, `${id}.out`, `${id}.dlq`].filter((t) => existing.has(t)) });
    await admin.deleteGroups([id]).catch(() => undefined); // the group may be gone already
  } finally {
    await admin.disconnect();
  }
  const redis = new Redis(redisUrl!);
  try {
    for await (const keys of redis.scanStream({ match: `${id}:*`, count: 500 }) as AsyncIterable<string[]>) {
      if (keys.length > 0) await redis.del(...keys);
    }
  } finally {
    redis.disconnect();
  }
}

for (const rate of rates) await phase(rate);
