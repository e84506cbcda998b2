/**
 * Where a batch's time goes at a fixed input rate: `npx tsx bench/pipeline-trace.ts [--rate N
 *   --seconds S --warmup S --symbols N --partitions N --set key=value ... --trace FILE]`.
 *
 * A diagnostic beside bench:pipeline (not a contest): one phase of the pipeline, as
 * bench:pipeline's fixed-rate phase runs it (fresh topics with LogAppendTime, the input produced
 * at --rate for --seconds once the group is joined), in a process that timestamps every stage of
 * every batch (bench/pipeline-trace-run.ts). Prints the end-to-end latency (whole phase, after the
 * first --warmup seconds, worst per second of input) and, for the warm-up and for the rest, the
 * distribution of each stage: the fetch cycle (from one fetch to the next; kafkajs fetches a
 * broker's partitions again only when all their batches are done), a batch from kafkajs handing
 * it over to its end, the Redis write and produced mark, Kafka requests (time on the wire, and
 * time queued behind other requests of the same client), model work per event, GC pauses,
 * event-loop gaps. Needs KAFKA_BROKERS and REDIS_URL; deletes its topics and keys afterwards.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { createTopicsReady } from '../src/kafka/create-topics-ready.js';
import type { BenchRun } from './pipeline-common.js';
import { parseSets } from './config-overrides.js';
import { endToEndLatency, produceAtRate, tickSource, type Percentiles } from './pipeline-rate.js';

const { values: opts } = parseArgs({
  options: {
    rate: { type: 'string', default: '8000' },
    seconds: { type: 'string', default: '15' },
    warmup: { type: 'string', default: '3' },
    symbols: { type: 'string', default: '1000' },
    partitions: { type: 'string', default: '3' },
    set: { type: 'string', multiple: true, default: [] },
    trace: { type: 'string' },
  },
});
const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter((b) => b.trim() !== '');
const redisUrl = process.env.REDIS_URL ?? '';
if (brokers.length === 0 || redisUrl === '') {
  process.stderr.write('pipeline-trace needs KAFKA_BROKERS and REDIS_URL: eval "$(deploy/local/services.sh env)"\n');
  process.exit(2);
}
const rate = Number(opts.rate);
const warmupSeconds = Number(opts.warmup);
const partitions = Number(opts.partitions);
const events = Math.round(rate * Number(opts.seconds));
const id = `trace-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
const traceFile = opts.trace ?? join(tmpdir(), `${id}.jsonl`);
const run: BenchRun = {
  brokers, redisUrl, inputTopic: `${id}-ticks`, outputTopic: `${id}-out`, deadLetterTopic: `${id}-dlq`, keyPrefix: id, groupId: id, partitions, events,
  model: fileURLToPath(new URL('../examples/models/demo-gru.json', import.meta.url)), headers: 'none', lingerMs: null, signalReady: true, guarantee: 'at_least_once', sets: parseSets(opts.set), warmupSeconds, bareClient: 'patched',
};
const kafka = new Kafka({ clientId: id, brokers, logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
const appendTime = [{ name: 'message.timestamp.type', value: 'LogAppendTime' }];
try {
  await createTopicsReady(admin, [
    ...[run.inputTopic, run.outputTopic].map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1, configEntries: appendTime })),
    { topic: run.deadLetterTopic, numPartitions: partitions, replicationFactor: 1 },
  ]);
  const load = loadavg()[0];
  await phase(() => produceAtRate(kafka, run.inputTopic, events, rate, tickSource(Number(opts.symbols))));
  const latency = await endToEndLatency(kafka, run.inputTopic, run.outputTopic, events, true, warmupSeconds);
  report(latency, load);
} finally {
  await admin.deleteTopics({ topics: [run.inputTopic, run.outputTopic, run.deadLetterTopic] }).catch(() => undefined);
  await admin.disconnect();
  const redis = new Redis(redisUrl);
  for (let cursor = '0'; ; ) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${id}*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.unlink(...keys);
    cursor = next;
    if (cursor === '0') break;
  }
  redis.disconnect();
  if (opts.trace === undefined) rmSync(traceFile, { force: true });
}

/** Runs the traced phase; `feed` (the fixed-rate producer) starts once the phase joined its group. */
function phase(feed: () => Promise<unknown>): Promise<void> {
  const path = fileURLToPath(new URL('pipeline-trace-run.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', path, JSON.stringify(run), traceFile], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  let fed: Promise<unknown> | undefined;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    if (fed === undefined && out.includes('ready\n')) fed = feed();
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => (code === 0 ? (fed ?? Promise.resolve()).then(() => resolve(), reject) : reject(new Error(`${path} exited with ${code ?? signal}`))));
  });
}

interface TraceLine {
  readonly t: number;
  readonly ev: string;
  readonly [field: string]: unknown;
}

/** Prints the latency and, for the warm-up and after it, each stage's distribution in ms. */
function report(latency: Awaited<ReturnType<typeof endToEndLatency>>, load: number): void {
  const trace = readFileSync(traceFile, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as TraceLine);
  const ready = trace.find((l) => l.ev === 'ready')?.t ?? trace[0].t;
  const split = ready + warmupSeconds * 1000;
  const pct = (p: Percentiles): string => `p50 ${p.p50} p99 ${p.p99} p99.9 ${p.p999} max ${p.max}`;
  const out = [
    `pipeline trace: ${rate} events/s for ${opts.seconds} s, ${opts.symbols} symbols, ${partitions} partitions, load average ${load.toFixed(1)} at the start`,
    `end-to-end latency ms (append to append): all ${pct(latency)}`,
    `  after the first ${warmupSeconds} s of input: ${latency.afterWarmup ? pct(latency.afterWarmup) : '-'}`,
    `  worst by second of input: ${latency.maxBySecond.join(' ')}`,
  ];
  for (const [label, from, to] of [[`first ${warmupSeconds} s`, -Infinity, split], [`after ${warmupSeconds} s`, split, Infinity]] as const) {
    const part = trace.filter((l) => l.t >= from && l.t < to);
    out.push('', `${label}:`, `${'stage'.padEnd(34)}${'count'.padStart(7)}${'mean'.padStart(8)}${'p50'.padStart(8)}${'p90'.padStart(8)}${'p99'.padStart(8)}${'max'.padStart(8)}`);
    for (const [name, values] of stages(part)) out.push(row(name, values));
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

/** Each stage's durations (ms) in `part` of the trace. */
function stages(part: readonly TraceLine[]): [string, number[]][] {
  const of = (ev: string, value: (l: TraceLine) => number, where: (l: TraceLine) => boolean = () => true): number[] => part.filter((l) => l.ev === ev && where(l)).map(value);
  const since = (l: TraceLine): number => l.t - (l.start as number);
  const fetches = part.filter((l) => l.ev === 'fetch_start').map((l) => l.t);
  const started = new Map<number, number>();
  const batches: number[] = [];
  for (const l of part) {
    if (l.ev === 'batch_start') started.set(l.partition as number, l.t);
    if (l.ev === 'batch_end' && started.has(l.partition as number)) batches.push(l.t - started.get(l.partition as number)!);
  }
  const request = (who: string, api: string, field: 'ms' | 'queuedMs'): number[] => of(who, (l) => l[field] as number, (l) => l.api === api);
  const slices = part.filter((l) => l.ev === 'model_slice' && (l.events as number) > 0);
  return [
    ['fetch cycle (fetch to next fetch)', fetches.slice(1).map((t, i) => t - fetches[i])],
    ['batch (handed over to done)', batches],
    ['  Redis write (apply script)', of('store_apply', since)],
    ['  Redis produced mark', of('store_mark', since)],
    ['  Produce request on the wire', request('producer_request', 'Produce', 'ms')],
    ['  Produce request queued', request('producer_request', 'Produce', 'queuedMs')],
    ['  OffsetCommit request', request('consumer_request', 'OffsetCommit', 'ms')],
    ['Fetch request on the wire', request('consumer_request', 'Fetch', 'ms')],
    ['model work, us per event (slices)', slices.map((l) => ((l.ms as number) / (l.events as number)) * 1000)],
    ['GC pause', of('gc', (l) => l.ms as number)],
    ['event-loop gap over 15 ms', of('loop_gap', (l) => l.ms as number)],
  ];
}

function row(name: string, values: number[]): string {
  if (values.length === 0) return `${name.padEnd(34)}${'0'.padStart(7)}`;
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
  const f = (v: number): string => v.toFixed(1).padStart(8);
  return `${name.padEnd(34)}${String(s.length).padStart(7)}${f(s.reduce((a, b) => a + b, 0) / s.length)}${f(at(0.5))}${f(at(0.9))}${f(at(0.99))}${f(s[s.length - 1])}`;
}
