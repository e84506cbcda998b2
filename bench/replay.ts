/**
 * Replay benchmark: `npm run bench:replay [-- --events N --symbols N --partitions N --rounds N
 *   --model manifest.json --only bare,bare-raw,read,replay,backtest --json]`.
 *
 * On a real Kafka (KAFKA_BROKERS). --events simulated ticks of --symbols symbols are produced to a
 * fresh topic first (untimed); then, in this one process, each round runs three contenders over
 * the same offset range (the topic's whole time range, found by offsets-by-timestamp), the order
 * rotating from round to round, after one warm-up round that is not counted:
 * - bare read: kafka/read-topic-range.ts (the replay's throwaway-group reader) on kafkajs'
 *   messages (a message object, key and value Buffers, offset and timestamp strings per record),
 *   nothing done per message but counting it: a bare kafkajs read, the reference of the target;
 * - bare-raw: the same reader on raw record batches (kafka/fetched-records.ts, the path the
 *   replay reads through), nothing done per record but adding its value length: the floor of the
 *   replay's own reader;
 * - read: the first half of the replay alone: replay/read-topic-events.ts (decode every message
 *   with the live decoder, hash key and value, per-key columns), no dataset;
 * - replay: what `retrain` does before training: the read, then the dataset (targets, split,
 *   normalisation: train/dataset-build.ts) and the training sequences (their CPU time is also
 *   printed on its own);
 * - backtest: backtest/run-topic-backtest.ts with --model (GRU hidden 32 by default): decode, one
 *   model step per event, the prediction object built (and dropped).
 * Figures per contender: events/s over the wall time of the call (group join included) and over
 * the steady window (first batch delivered to the end), and the process CPU time (user + system)
 * per event over the whole call (Kafka's CPU is in another process). Ratios pair contenders of
 * the same round: bare CPU per event / contender CPU per event (the share of the bare read's
 * throughput the contender keeps when CPU-bound), and contender steady events/s / bare steady
 * events/s. Target: replay >= 0.8 of the bare kafkajs read (also printed: the ratio to bare-raw).
 * The topic is deleted afterwards.
 */
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Kafka, logLevel, type Message } from 'kafkajs';
import { runTopicBacktest } from '../src/backtest/run-topic-backtest.js';
import { loadConfig } from '../src/config/index.js';
import { consumerOptions } from '../src/kafka/client-options.js';
import { readTopicRange } from '../src/kafka/read-topic-range.js';
import { topicTimeRange } from '../src/kafka/topic-time-range.js';
import { loadModel } from '../src/model/load-model.js';
import { readTopicEvents } from '../src/replay/read-topic-events.js';
import { buildDataset } from '../src/train/dataset-build.js';
import { trainingSequences } from '../src/train/dataset-sequences.js';
import { MARKET_INPUTS } from '../src/features/market-features.js';
import { tickSource } from './pipeline-rate.js';

const { values: opts } = parseArgs({
  options: {
    events: { type: 'string', default: '200000' },
    symbols: { type: 'string', default: '1000' },
    partitions: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '5' },
    model: { type: 'string', default: fileURLToPath(new URL('../examples/models/demo-gru.json', import.meta.url)) },
    json: { type: 'boolean' },
    only: { type: 'string' },
  },
});
const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter((b) => b.trim() !== '');
if (brokers.length === 0) {
  process.stderr.write('bench:replay needs KAFKA_BROKERS: deploy/local/services.sh up && eval "$(deploy/local/services.sh env)"\n');
  process.exit(2);
}
const events = Number(opts.events);
const rounds = Number(opts.rounds);
const partitions = Number(opts.partitions);
const log = (line: string): void => void (opts.json || process.stderr.write(`${line}\n`));
const id = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
const topic = `bench-replay-${id}`;
const config = await loadConfig({ env: {}, overrides: { kafka: { brokers, groupId: `bench-replay-${id}`, inputTopic: topic } } });
const loaded = await loadModel(opts.model);
const kafka = new Kafka({ clientId: 'rnn-stream-bench', brokers, logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();

type Contender = 'bare' | 'bare-raw' | 'read' | 'replay' | 'backtest';
const ALL: readonly Contender[] = ['bare', 'bare-raw', 'read', 'replay', 'backtest'];
// --only <contender>[,<contender>...]: run just those (for a CPU profile: node --cpu-prof --import tsx bench/replay.ts --only replay).
const only = opts.only?.split(',');
if (only?.some((c) => !(ALL as readonly string[]).includes(c))) throw new Error(`--only takes a comma-separated list of ${ALL.join(', ')}`);
const CONTENDERS: readonly Contender[] = only === undefined ? ALL : ALL.filter((c) => only.includes(c));
interface Measure {
  readonly events: number;
  readonly wallSeconds: number;
  readonly steadySeconds: number;
  readonly cpuSeconds: number;
}

/** Runs `body` (which calls `first()` when its first batch arrives) and measures it. */
async function measure(body: (first: () => void) => Promise<number>): Promise<Measure> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let tFirst = -1;
  const n = await body(() => {
    if (tFirst < 0) tFirst = performance.now();
  });
  const t1 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  return { events: n, wallSeconds: (t1 - t0) / 1000, steadySeconds: (t1 - (tFirst < 0 ? t0 : tFirst)) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

/** CPU time of the replay's dataset and training sequences (after the read), of its last run. */
let datasetCpuSeconds = 0;
const consumer = consumerOptions(config.kafka, `${config.kafka.groupId}.bench`);
const groupPrefix = `${config.kafka.groupId}.bench`;
let fromMs = 0;
let toMs = 0;

const run: Record<Contender, () => Promise<Measure>> = {
  bare: () =>
    measure(async (first) => {
      const ranges = await topicTimeRange(admin, topic, fromMs, toMs);
      let n = 0;
      let bytes = 0;
      await readTopicRange({
        kafka, admin, topic, ranges, consumer, groupPrefix,
        onMessages(_p, messages) {
          first();
          for (const m of messages) bytes += m.value?.length ?? 0;
          n += messages.length;
        },
      });
      if (bytes === 0) throw new Error('bare read saw no bytes');
      return n;
    }),
  'bare-raw': () =>
    measure(async (first) => {
      const ranges = await topicTimeRange(admin, topic, fromMs, toMs);
      let n = 0;
      let bytes = 0;
      await readTopicRange({
        kafka, admin, topic, ranges, consumer, groupPrefix,
        onRecords(_p, records) {
          first();
          while (records.next()) bytes += records.valueLength;
          n += records.count;
        },
      });
      if (bytes === 0) throw new Error('bare raw read saw no bytes');
      return n;
    }),
  read: () =>
    measure(async (first) => {
      const { data } = await readTopicEvents({
        kafka, admin, topic, fromMs, toMs, kind: 'tick', limits: config.events, consumer, groupPrefix,
        onProgress: (read) => void (read > 0 && first()),
      });
      return data.validEvents + data.rejected;
    }),
  replay: () =>
    measure(async (first) => {
      const { data } = await readTopicEvents({
        kafka, admin, topic, fromMs, toMs, kind: 'tick', limits: config.events, consumer, groupPrefix,
        onProgress: (read) => void (read > 0 && first()),
      });
      const cpu0 = process.cpuUsage();
      const ds = buildDataset(data, {
        target: 'next_logret', outputMode: 'many_to_many', split: { kind: 'fraction', valFraction: 0.2 }, flatThreshold: 0, marketInputs: MARKET_INPUTS,
      });
      const sequences = trainingSequences(ds.series, ds.inputSize, ds.shape.width, false);
      if (sequences.length === 0) throw new Error('replay built no training sequence');
      const cpu = process.cpuUsage(cpu0);
      datasetCpuSeconds = (cpu.user + cpu.system) / 1e6;
      return data.validEvents + data.rejected;
    }),
  backtest: () =>
    measure(async (first) => {
      let predictions = 0;
      const { summary } = await runTopicBacktest({
        kafka, admin, topic, fromMs, toMs, limits: config.events, consumer, groupPrefix, loaded,
        onPrediction: () => void predictions++,
        onProgress: (read) => void (read > 0 && first()),
      });
      if (predictions !== summary.predictions) throw new Error('backtest lost predictions');
      return summary.lines;
    }),
};

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const range = (xs: number[], digits: number): string =>
  `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}-${Math.max(...xs).toFixed(digits)})`;

try {
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true });
  fromMs = Date.now() - 60_000;
  log(`producing ${events} ticks of ${opts.symbols} symbols to ${topic} (${partitions} partitions)...`);
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const next = tickSource(Number(opts.symbols));
  for (let sent = 0; sent < events; ) {
    const batch: Message[] = [];
    for (; sent < events && batch.length < 5000; sent++) batch.push(next());
    await producer.send({ topic, messages: batch, acks: -1 });
    if (sent % 50_000 === 0) log(`  ${sent} produced`);
  }
  await producer.disconnect();
  toMs = Date.now() + 3_600_000;
  const results: Partial<Record<Contender, Measure>>[] = [];
  /** The replay's dataset and training sequences, CPU us per event, per counted round. */
  const datasetUs: number[] = [];
  for (let r = 0; r <= rounds; r++) {
    const round: Partial<Record<Contender, Measure>> = {};
    for (let i = 0; i < CONTENDERS.length; i++) {
      const who = CONTENDERS[(i + r) % CONTENDERS.length];
      const m = await run[who]();
      if (m.events !== events) throw new Error(`${who} read ${m.events} events, expected ${events}`);
      round[who] = m;
      const dataset = who === 'replay' ? ` (dataset and sequences ${((datasetCpuSeconds / m.events) * 1e6).toFixed(2)})` : '';
      if (who === 'replay' && r > 0) datasetUs.push((datasetCpuSeconds / m.events) * 1e6);
      log(`${r === 0 ? 'warm-up' : `round ${r}/${rounds}`} ${who}: ${(m.events / m.wallSeconds).toFixed(0)} events/s wall, ${(m.events / m.steadySeconds).toFixed(0)} steady, ${((m.cpuSeconds / m.events) * 1e6).toFixed(2)} CPU us/event${dataset}`);
    }
    if (r > 0) results.push(round);
  }
  const report = Object.fromEntries(
    CONTENDERS.map((who) => {
      const ms = results.map((x) => x[who]!);
      return [who, {
        cpuUsPerEvent: ms.map((m) => (m.cpuSeconds / m.events) * 1e6),
        wallEventsPerSecond: ms.map((m) => m.events / m.wallSeconds),
        steadyEventsPerSecond: ms.map((m) => m.events / m.steadySeconds),
        cpuRatioVsBare: results.map((x) => (x.bare ? x.bare.cpuSeconds / x[who]!.cpuSeconds : NaN)),
        steadyRatioVsBare: results.map((x) => (x.bare ? x.bare.steadySeconds / x[who]!.steadySeconds : NaN)),
      }];
    }),
  ) as unknown as Record<Contender, Record<string, number[]>>;
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ events, symbols: Number(opts.symbols), partitions, rounds, model: loaded.manifest.name, report, replayDatasetCpuUsPerEvent: datasetUs })}\n`);
  } else {
    const out: string[] = [
      `replay of ${events} ticks, ${opts.symbols} symbols, ${partitions} partitions, ${rounds} rounds (+1 warm-up), ${cpus().length} cores, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}; median (min-max)`,
    ];
    for (const who of CONTENDERS) {
      const r = report[who];
      out.push(
        `  ${who.padEnd(8)} CPU us/event ${range(r.cpuUsPerEvent, 2)}; events/s steady ${range(r.steadyEventsPerSecond, 0)}, wall ${range(r.wallEventsPerSecond, 0)}` +
          (who === 'bare' ? '' : `; vs bare: CPU ${range(r.cpuRatioVsBare, 2)}, steady ${range(r.steadyRatioVsBare, 2)}`) +
          (who === 'replay' ? `; of its CPU, dataset and sequences ${range(datasetUs, 2)} us/event` : ''),
      );
    }
    const cpuRatio = report.replay && report.bare ? median(report.replay.cpuRatioVsBare) : NaN;
    if (Number.isFinite(cpuRatio)) out.push(`  target: replay >= 0.8 of the bare kafkajs read: ${cpuRatio >= 0.8 ? 'met' : 'MISSED'} on CPU per event (median ${cpuRatio.toFixed(2)}), ${median(report.replay.steadyRatioVsBare) >= 0.8 ? 'met' : 'MISSED'} on steady events/s (median ${median(report.replay.steadyRatioVsBare).toFixed(2)})`);
    if (report.replay && report['bare-raw']) {
      const rounds = results.map((x) => ({ cpu: x['bare-raw']!.cpuSeconds / x.replay!.cpuSeconds, steady: x['bare-raw']!.steadySeconds / x.replay!.steadySeconds }));
      out.push(`  replay vs bare-raw (the raw reader alone): CPU ${range(rounds.map((r) => r.cpu), 2)}, steady ${range(rounds.map((r) => r.steady), 2)}`);
    }
    process.stdout.write(`${out.join('\n')}\n`);
  }
} finally {
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
}
