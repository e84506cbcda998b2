/**
 * Pipeline benchmark: `npm run bench:pipeline [-- --events N --symbols N --partitions N --json]`.
 *
 * On real Kafka and Redis (KAFKA_BROKERS, REDIS_URL: `eval "$(deploy/local/services.sh env)"`):
 * 1. produces --events simulated ticks of --symbols symbols (key = symbol) to a fresh input topic
 *    with --partitions partitions (not timed);
 * 2. ceiling: a bare kafkajs consume -> produce of those messages to another topic, with the
 *    pipeline's consumer/producer settings, in its own process (bench/pipeline-ceiling.ts);
 * 3. pipeline: the rnn-stream pipeline (startKafkaPipeline + RedisStateStore, GRU hidden 32 by
 *    default: examples/models/demo-gru.json) over the same messages until every event has its
 *    prediction, in its own process (bench/pipeline-run.ts), with Redis INFO commandstats read
 *    before and after it.
 * events/s is measured from the first input batch received to the last output acknowledged (the
 * same window for both; connecting and the group join are excluded, and shown in the wall time).
 * events per CPU-second divides by the phase process's CPU time (user + system) in that window,
 * which a busy machine disturbs much less than wall time (Kafka's and Redis' CPU is not in it). Peak RSS is the phase process's
 * ru_maxrss. Redis commands per event is given twice: the commands the pipeline's client sent
 * (round trips), and every command Redis executed meanwhile (INFO commandstats, the bench's own
 * INFO excluded), which also counts the calls made inside the Lua scripts: for the second, use a
 * Redis nobody else uses while it runs.
 * Topics and Redis keys of the run are deleted afterwards (unless --keep).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { Kafka, logLevel, type Message } from 'kafkajs';
import { newSimTick, SyntheticMarket, tickToJson } from '../src/simulator/index.js';
import { loadModel } from '../src/model/load-model.js';
import type { BenchRun, PhaseResult } from './pipeline-common.js';

const { values: opts } = parseArgs({
  options: {
    events: { type: 'string', default: '200000' },
    symbols: { type: 'string', default: '1000' },
    partitions: { type: 'string', default: '3' },
    model: { type: 'string', default: fileURLToPath(new URL('../examples/models/demo-gru.json', import.meta.url)) },
    json: { type: 'boolean' },
    keep: { type: 'boolean' },
  },
});
const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter((b) => b.trim() !== '');
const redisUrl = process.env.REDIS_URL;
if (brokers.length === 0 || !redisUrl) {
  process.stderr.write('bench:pipeline needs KAFKA_BROKERS and REDIS_URL: deploy/local/services.sh up && eval "$(deploy/local/services.sh env)"\n');
  process.exit(2);
}
const id = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
const run: BenchRun = {
  brokers, redisUrl, events: Number(opts.events), partitions: Number(opts.partitions), model: opts.model,
  inputTopic: `bench-${id}-ticks`, outputTopic: `bench-${id}-predictions`, deadLetterTopic: `bench-${id}-dlq`,
  ceilingTopic: `bench-${id}-ceiling`, keyPrefix: `bench-${id}`, groupId: `bench-${id}`,
};
const symbols = Number(opts.symbols);
const loaded = await loadModel(run.model);
const log = (line: string): void => void (opts.json || process.stderr.write(`${line}\n`));

const kafka = new Kafka({ clientId: 'rnn-stream-bench', brokers, logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
const topics = [run.inputTopic, run.outputTopic, run.deadLetterTopic, run.ceilingTopic];
await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: run.partitions, replicationFactor: 1 })), waitForLeaders: true });
const redis = new Redis(redisUrl);

try {
  log(`producing ${run.events} ticks of ${symbols} symbols to ${run.inputTopic} (${run.partitions} partitions)...`);
  await preload();
  log('ceiling: bare kafkajs consume -> produce...');
  const ceiling = phase('pipeline-ceiling.ts');
  const before = await commandCalls();
  log('pipeline: rnn-stream operators, RedisStateStore...');
  const { redisSent, ...pipeline } = phase('pipeline-run.ts') as PhaseResult & { rejected: number; redisSent: Record<string, number> };
  const sentTotal = Object.values(redisSent).reduce((a, b) => a + b, 0);
  const after = await commandCalls();
  const redisCommands = after.total - before.total - 1; // the second INFO counts itself
  const byCommand = Object.fromEntries(
    Object.entries(after.byCommand).map(([c, n]) => [c, n - (before.byCommand[c] ?? 0) - (c === 'info' ? 1 : 0)]).filter(([, n]) => (n as number) > 0),
  );
  const produced = { predictions: await topicSize(run.outputTopic), ceiling: await topicSize(run.ceilingTopic), deadLetters: await topicSize(run.deadLetterTopic) };
  const rate = (r: PhaseResult): number => r.events / r.steadySeconds;
  const report = {
    events: run.events, symbols, partitions: run.partitions,
    model: { name: loaded.manifest.name, cell: loaded.manifest.cell, hidden: loaded.manifest.hiddenSize, layers: loaded.manifest.numLayers },
    pipeline: { ...pipeline, eventsPerSecond: rate(pipeline), eventsPerCpuSecond: pipeline.events / pipeline.cpuSeconds },
    ceiling: { ...ceiling, eventsPerSecond: rate(ceiling), eventsPerCpuSecond: ceiling.events / ceiling.cpuSeconds },
    ratio: rate(pipeline) / rate(ceiling),
    cpuRatio: ceiling.cpuSeconds / pipeline.cpuSeconds,
    redis: {
      sent: { commands: sentTotal, perEvent: sentTotal / run.events, byCommand: redisSent },
      executed: { commands: redisCommands, perEvent: redisCommands / run.events, byCommand },
    },
    produced,
    machine: { cpus: cpus().length, loadavg1: loadavg()[0], node: process.version },
  };
  if (opts.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else printReport(report);
  if (produced.predictions < run.events || produced.deadLetters > 0) throw new Error(`expected ${run.events} predictions and no dead letters, got ${JSON.stringify(produced)}`);
} finally {
  if (!opts.keep) {
    await admin.deleteTopics({ topics });
    await deleteKeys(`${run.keyPrefix}*`);
  }
  await admin.disconnect();
  redis.disconnect();
}

async function preload(): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const market = new SyntheticMarket({ symbols, seed: 1, rate: 10_000, startTs: Date.now() });
  const tick = newSimTick();
  for (let sent = 0; sent < run.events; ) {
    const n = Math.min(5000, run.events - sent);
    const messages: Message[] = new Array(n);
    for (let i = 0; i < n; i++) {
      market.next(tick);
      messages[i] = { key: tick.symbol, value: tickToJson(tick) };
    }
    await producer.send({ topic: run.inputTopic, messages, acks: -1 });
    sent += n;
  }
  await producer.disconnect();
}

/** Runs one phase in a fresh process and returns the JSON line it prints. */
function phase(script: string): PhaseResult {
  const path = fileURLToPath(new URL(script, import.meta.url));
  const child = spawnSync(process.execPath, ['--import', 'tsx', path, JSON.stringify(run)], { encoding: 'utf-8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
  if (child.status !== 0) throw new Error(`${script} exited with ${child.status ?? child.signal}`);
  return JSON.parse(child.stdout.trim().split('\n').pop() ?? '') as PhaseResult;
}

/** Calls per command from INFO commandstats, and their sum. */
async function commandCalls(): Promise<{ total: number; byCommand: Record<string, number> }> {
  const info = await redis.info('commandstats');
  const byCommand: Record<string, number> = {};
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) byCommand[m[1]] = Number(m[2]);
  return { total: Object.values(byCommand).reduce((a, b) => a + b, 0), byCommand };
}

async function topicSize(topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
}

async function deleteKeys(pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    if (keys.length > 0) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
}

type Phase = PhaseResult & { eventsPerSecond: number; eventsPerCpuSecond: number };

function printReport(r: {
  events: number; symbols: number; partitions: number; model: { name: string; cell: string; hidden: number };
  pipeline: Phase; ceiling: Phase; ratio: number; cpuRatio: number;
  redis: Record<'sent' | 'executed', { commands: number; perEvent: number; byCommand: Record<string, number> }>; machine: { cpus: number; loadavg1: number; node: string };
}): void {
  const int = (n: number): string => Math.round(n).toLocaleString('en-US');
  const mib = (b: number): string => `${(b / 2 ** 20).toFixed(0)} MiB`;
  const row = (name: string, p: Phase): string =>
    `${name.padEnd(26)}${int(p.eventsPerSecond).padStart(12)}${int(p.eventsPerCpuSecond).padStart(14)}${p.wallSeconds.toFixed(2).padStart(10)}` +
    `${mib(p.peakRssBytes).padStart(12)}${int(p.batches).padStart(10)}`;
  const lines = [
    `rnn-stream pipeline benchmark: ${int(r.events)} events, ${int(r.symbols)} symbols, ${r.partitions} partitions, model ${r.model.name} (${r.model.cell}, hidden ${r.model.hidden})`,
    `${''.padEnd(26)}${'events/s'.padStart(12)}${'events/CPU-s'.padStart(14)}${'wall s'.padStart(10)}${'peak RSS'.padStart(12)}${'batches'.padStart(10)}`,
    row('pipeline (Kafka+Redis)', r.pipeline),
    row('bare kafkajs ceiling', r.ceiling),
    `pipeline / ceiling: ${r.ratio.toFixed(2)} by events/s, ${r.cpuRatio.toFixed(2)} by CPU time of the process`,
    ...(['sent', 'executed'] as const).map((k) => {
      const s = r.redis[k];
      const what = k === 'sent' ? 'sent by the pipeline (round trips)' : 'executed by Redis, Lua-internal calls included (INFO commandstats)';
      return `Redis commands per event, ${what}: ${s.perEvent.toFixed(4)} (${int(s.commands)}: ${Object.entries(s.byCommand).map(([c, n]) => `${c} ${n}`).join(', ')})`;
    }),
    `machine: ${r.machine.cpus} CPUs, load average ${r.machine.loadavg1.toFixed(2)} at the end, Node ${r.machine.node}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
