/**
 * Pipeline benchmark: `npm run bench:pipeline [-- --events N --symbols N --partitions N --rounds N
 *   --rates 1000,half --seconds S --warmup S --headers none|source|full --linger MS --guarantees LIST --bare patched[,published] --json --profile DIR
 *   --set key=value ...]` (`--set`: a configuration override of the pipeline, value in JSON, e.g. model.warmStartInputs=0).
 *
 * On real Kafka and Redis (KAFKA_BROKERS, REDIS_URL: `eval "$(deploy/local/services.sh env)"`),
 * up to four contenders, each phase in a fresh process, the order rotated from round to round:
 * - pipeline: the rnn-stream pipeline (startKafkaPipeline + RedisStateStore, GRU hidden 32 by
 *   default: examples/models/demo-gru.json) until every event has its prediction
 *   (bench/pipeline-run.ts), under output.guarantee at_least_once;
 * - pipeline EO: the same under exactly_once (one Kafka transaction per sub-batch, with the
 *   offsets), when --guarantees includes exactly_once (the default: at_least_once,exactly_once);
 *   read back read_committed, and printed as ratios to at_least_once of the same round;
 * - bare client: a kafkajs consume -> produce of the same messages with the pipeline's client
 *   settings and the same output headers, nothing in between (bench/pipeline-ceiling.ts), on the
 *   project's patched kafkajs (the ceiling of the stack the pipeline runs on: the baseline of the
 *   ratios) and, unless `--bare patched`, on the published kafkajs 2.2.4 ("bare published": what
 *   the same consume -> produce costs a user of kafkajs as npm serves it).
 * Saturation (skipped with --events 0): --events simulated ticks of --symbols symbols are produced to an input topic first
 * (untimed); each phase consumes the whole backlog. Fixed rate (--rates, events/s; `half` = half of
 * the pipeline's median saturated rate of this run): each phase gets a fresh input topic, produced
 * at that rate for --seconds once the phase has joined its group; end-to-end latency is read back
 * from Kafka's log-append timestamps (input and output topics use LogAppendTime), over the whole
 * phase and over the events appended after its first --warmup seconds (default 3; a phase starts
 * a fresh process with no state, and its first second or so of input waits for that start), with
 * the worst latency per second of input on each phase's line.
 * CPU per event: the phase process's CPU time (user + system) from its first input batch to its
 * last output acknowledged, divided by the events; a busy machine disturbs it much less than the
 * wall clock (Kafka's and Redis' CPU is not in it). Fixed-rate phases also print it over the
 * outputs after the first --warmup seconds: a fresh process spends about a second of CPU
 * compiling and loading code on its first batches, a large share of a short phase at a low rate. Ratios (bare client CPU / pipeline CPU) pair
 * the two phases of one round. Redis commands per event: sent by the pipeline (round trips), and
 * executed by Redis (INFO commandstats, Lua-internal calls included; use a Redis nobody else uses).
 * Topics and Redis keys of the run are deleted afterwards (unless --keep).
 * BENCH_NODE_ARGS (environment, space-separated) are passed to node for every phase process,
 * e.g. BENCH_NODE_ARGS="--max-semi-space-size=64" to try a V8 setting.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { Kafka, logLevel, type Message } from 'kafkajs';
import { loadConfig } from '../src/config/index.js';
import { loadModel } from '../src/model/load-model.js';
import { PREDICTION_HEADER_MODES, type PredictionHeaderMode } from '../src/records/prediction-headers.js';
import type { BenchRun, PhaseResult } from './pipeline-common.js';
import { endToEndLatency, produceAtRate, tickSource, type LatencySummary } from './pipeline-rate.js';
import { printReport, type Contender, type Mode, type Report } from './pipeline-report.js';
import { createTopicsReady } from '../src/kafka/create-topics-ready.js';
import { parseSets } from './config-overrides.js';

const { values: opts } = parseArgs({
  options: {
    events: { type: 'string', default: '200000' },
    symbols: { type: 'string', default: '1000' },
    partitions: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '3' },
    rates: { type: 'string', default: '' },
    seconds: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '3' },
    headers: { type: 'string' },
    linger: { type: 'string' },
    guarantees: { type: 'string', default: 'at_least_once,exactly_once' },
    bare: { type: 'string', default: 'patched,published' },
    model: { type: 'string', default: fileURLToPath(new URL('../examples/models/demo-gru.json', import.meta.url)) },
    json: { type: 'boolean' },
    keep: { type: 'boolean' },
    profile: { type: 'string' },
    set: { type: 'string', multiple: true, default: [] },
  },
});
const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter((b) => b.trim() !== '');
const redisUrl = process.env.REDIS_URL ?? '';
if (brokers.length === 0 || redisUrl === '') {
  process.stderr.write('bench:pipeline needs KAFKA_BROKERS and REDIS_URL: deploy/local/services.sh up && eval "$(deploy/local/services.sh env)"\n');
  process.exit(2);
}
const defaults = (await loadConfig({ env: {}, overrides: { model: { manifest: opts.model } } })).kafka;
const headers = (opts.headers ?? defaults.outputHeaders) as PredictionHeaderMode;
if (!PREDICTION_HEADER_MODES.includes(headers)) throw new Error(`--headers must be one of ${PREDICTION_HEADER_MODES.join(', ')}`);
const id = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
const symbols = Number(opts.symbols);
const partitions = Number(opts.partitions);
const rounds = Number(opts.rounds);
const guarantees = opts.guarantees.split(',').filter((g) => g !== '');
if (!guarantees.includes('at_least_once') || !guarantees.every((g) => g === 'at_least_once' || g === 'exactly_once')) {
  throw new Error('--guarantees: at_least_once, optionally with exactly_once (at_least_once is the baseline of the ratios)');
}
const bares = opts.bare.split(',').filter((b) => b !== '');
if (!bares.includes('patched') || !bares.every((b) => b === 'patched' || b === 'published')) {
  throw new Error('--bare: patched, optionally with published (the patched client is the baseline of the ratios)');
}
const contenders: Contender[] = [
  'pipeline',
  ...(guarantees.includes('exactly_once') ? (['exactly_once'] as const) : []),
  'bare',
  ...(bares.includes('published') ? (['bare_published'] as const) : []),
];
const isBare = (who: Contender): boolean => who === 'bare' || who === 'bare_published';
const loaded = await loadModel(opts.model);
const log = (line: string): void => void (opts.json || process.stderr.write(`${line}\n`));

const kafka = new Kafka({ clientId: 'rnn-stream-bench', brokers, logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
const redis = new Redis(redisUrl);
const created: string[] = [];
let phases = 0;

/** A phase's run description with fresh topics, group and key prefix. */
function phaseRun(inputTopic: string, events: number, signalReady: boolean, who: Contender): BenchRun {
  const p = `bench-${id}-${++phases}`;
  return {
    brokers, redisUrl, inputTopic, events, partitions, model: opts.model, headers, signalReady, guarantee: who === 'exactly_once' ? 'exactly_once' : 'at_least_once', sets: parseSets(opts.set),
    lingerMs: opts.linger === undefined ? null : Number(opts.linger),
    // Saturation phases consume a backlog as fast as they can: the whole window is the measure.
    warmupSeconds: signalReady ? Number(opts.warmup) : 0,
    bareClient: who === 'bare_published' ? 'published' : 'patched',
    outputTopic: `${p}-out`, deadLetterTopic: `${p}-dlq`, keyPrefix: p, groupId: p,
  };
}

async function createTopics(names: string[], appendTime: boolean): Promise<void> {
  const configEntries = appendTime ? [{ name: 'message.timestamp.type', value: 'LogAppendTime' }] : [];
  await createTopicsReady(admin, names.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1, configEntries })));
  created.push(...names);
}

try {
  const saturationTopic = `bench-${id}-ticks`;
  const events = Number(opts.events);
  const modes: Mode[] = [];
  const saturation: Mode = { name: 'saturation', rate: null, rounds: [] };
  if (events > 0) {
    await createTopics([saturationTopic], false);
    log(`producing ${events} ticks of ${symbols} symbols to ${saturationTopic} (${partitions} partitions)...`);
    await preload(saturationTopic, events);
    modes.push(saturation);
  }
  const redisBefore = await commandCalls();
  let redisSent: Record<string, number> = {};
  for (let r = 0; r < (events > 0 ? rounds : 0); r++) {
    const round: Partial<Record<Contender, PhaseResult>> = {};
    for (const who of order(r)) {
      const run = phaseRun(saturationTopic, events, false, who);
      await createTopics([run.outputTopic, run.deadLetterTopic], false);
      log(`saturation round ${r + 1}/${rounds}: ${who}...`);
      const { redisSent: sent, ...result } = (await phase(who, run)) as PhaseResult & { redisSent?: Record<string, number> };
      if (sent && who === 'pipeline') redisSent = sent;
      logPhase(`saturation round ${r + 1} ${who}`, result);
      await checkOutput(run, events);
      round[who] = result;
    }
    saturation.rounds.push({ pipeline: round.pipeline!, bare: round.bare!, exactly_once: round.exactly_once, bare_published: round.bare_published, latency: {} });
  }
  const redisAfter = await commandCalls();
  const rateOf = (p: PhaseResult): number => p.events / p.steadySeconds;
  const saturated = events > 0 ? median(saturation.rounds.map((x) => rateOf(x.pipeline))) : NaN;
  for (const spec of opts.rates.split(',').filter((s) => s !== '')) {
    const rate = spec === 'half' && events > 0 ? Math.round(saturated / 2) : Number(spec);
    if (!(rate > 0)) throw new Error(`--rates: ${spec} is not a rate (events/s) or "half"`);
    const n = Math.round(rate * Number(opts.seconds));
    const mode: Mode = { name: `${rate} events/s${spec === 'half' ? ' (half the saturated rate)' : ''}`, rate, rounds: [] };
    modes.push(mode);
    for (let r = 0; r < rounds; r++) {
      const round: Partial<Record<Contender, PhaseResult>> = {};
      const latency: Partial<Record<Contender, LatencySummary>> = {};
      for (const who of order(r)) {
        const input = `bench-${id}-${phases + 1}-ticks`;
        const run = phaseRun(input, n, true, who);
        await createTopics([input, run.outputTopic], true);
        await createTopics([run.deadLetterTopic], false);
        log(`${rate} events/s round ${r + 1}/${rounds}: ${who}...`);
        round[who] = await phase(who, run, () => produceAtRate(kafka, input, n, rate, tickSource(symbols)));
        latency[who] = await endToEndLatency(kafka, input, run.outputTopic, n, !isBare(who), Number(opts.warmup));
        logPhase(`${rate} events/s round ${r + 1} ${who}`, round[who], latency[who]);
        await checkOutput(run, n);
      }
      mode.rounds.push({ pipeline: round.pipeline!, bare: round.bare!, exactly_once: round.exactly_once, bare_published: round.bare_published, latency });
    }
  }
  const executed = Object.fromEntries(
    Object.entries(redisAfter.byCommand).map(([c, k]) => [c, k - (redisBefore.byCommand[c] ?? 0) - (c === 'info' ? 1 : 0)]).filter(([, k]) => (k as number) > 0),
  ) as Record<string, number>;
  const report: Report = {
    events, symbols, partitions, rounds, headers, lingerMs: opts.linger === undefined ? defaults.lingerMs : Number(opts.linger), warmupSeconds: Number(opts.warmup),
    model: { name: loaded.manifest.name, cell: loaded.manifest.cell, hidden: loaded.manifest.hiddenSize, layers: loaded.manifest.numLayers },
    modes,
    redis: { sentPerEvent: events > 0 ? sum(redisSent) / events : NaN, sent: redisSent, executedPerEvent: events > 0 ? sum(executed) / (events * rounds * contenders.filter((c) => !isBare(c)).length) : NaN, executed },
    machine: { cpus: cpus().length, loadavg1: loadavg()[0], node: process.version },
  };
  if (opts.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else printReport(report);
} finally {
  if (!opts.keep) {
    await admin.deleteTopics({ topics: created }).catch(() => undefined);
    await deleteKeys(`bench-${id}*`);
  }
  await admin.disconnect();
  redis.disconnect();
}

/** One line per finished phase on stderr, so a run cut short still shows what it measured. */
function logPhase(what: string, p: PhaseResult, l?: LatencySummary): void {
  const cpu = ((p.cpuSeconds / p.events) * 1e6).toFixed(1);
  const after = l?.afterWarmup ? `; after the first ${l.warmupSeconds} s p50 ${l.afterWarmup.p50} p99 ${l.afterWarmup.p99} p99.9 ${l.afterWarmup.p999}` : '';
  const bySecond = l ? `; worst by second of input: ${l.maxBySecond.join(' ')}` : '';
  const warm = p.afterWarmup ? ` (after the first ${opts.warmup} s: ${((p.afterWarmup.cpuSeconds / p.afterWarmup.events) * 1e6).toFixed(1)})` : '';
  log(`  ${what}: ${p.events} events, ${Math.round(p.events / p.steadySeconds)} events/s, ${cpu} CPU us/event${warm}${l ? `, latency ms p50 ${l.p50} p99 ${l.p99} p99.9 ${l.p999}${after}${bySecond}` : ''}`);
}

/** The contenders' order rotates from round to round (each goes first once in `contenders.length` rounds). */
function order(round: number): Contender[] {
  const k = round % contenders.length;
  return [...contenders.slice(k), ...contenders.slice(0, k)];
}

async function preload(topic: string, events: number): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const next = tickSource(symbols);
  for (let sent = 0; sent < events; ) {
    const messages: Message[] = [];
    for (const n = Math.min(5000, events - sent); messages.length < n; ) messages.push(next());
    await producer.send({ topic, messages, acks: -1 });
    sent += messages.length;
  }
  await producer.disconnect();
}

/**
 * Runs one phase in a fresh process and returns the JSON line it prints last. With `feed`, waits
 * for the child's `ready` line, then runs `feed` (the fixed-rate producer) while the child consumes.
 */
function phase(who: Contender, run: BenchRun, feed?: () => Promise<unknown>): Promise<PhaseResult> {
  const path = fileURLToPath(new URL(isBare(who) ? 'pipeline-ceiling.ts' : 'pipeline-run.ts', import.meta.url));
  const prof = opts.profile && !isBare(who) ? ['--cpu-prof', `--cpu-prof-dir=${opts.profile}`] : [];
  const extra = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
  const child = spawn(process.execPath, [...prof, ...extra, '--import', 'tsx', path, JSON.stringify(run)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  let fed: Promise<unknown> = Promise.resolve();
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const before = out;
    out += chunk;
    if (feed && !before.includes('ready\n') && out.includes('ready\n')) fed = feed();
  });
  return new Promise<PhaseResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code !== 0) return reject(new Error(`${path} exited with ${code ?? signal}`));
      fed.then(() => resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as PhaseResult), reject);
    });
  });
}

/** Every event reached the output and nothing was dead-lettered. */
async function checkOutput(run: BenchRun, events: number): Promise<void> {
  const out = await topicSize(run.outputTopic);
  const dlq = await topicSize(run.deadLetterTopic);
  if (out < events || dlq > 0) throw new Error(`expected ${events} records on ${run.outputTopic} and no dead letters, got ${out} and ${dlq}`);
}

/** Calls per command from INFO commandstats, and their sum. */
async function commandCalls(): Promise<{ total: number; byCommand: Record<string, number> }> {
  const info = await redis.info('commandstats');
  const byCommand: Record<string, number> = {};
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) byCommand[m[1]] = Number(m[2]);
  return { total: sum(byCommand), byCommand };
}

async function topicSize(topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((s, p) => s + Number(p.high) - Number(p.low), 0);
}

async function deleteKeys(pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    if (keys.length > 0) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
}

function sum(o: Record<string, number>): number {
  return Object.values(o).reduce((a, b) => a + b, 0);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
