import { createWriteStream } from 'node:fs';
import type { Command } from 'commander';
import { CompressionTypes, type Kafka, type Message } from 'kafkajs';
import { loadConfig } from '../../config/index.js';
import { ConfigError, RnnStreamError } from '../../errors/index.js';
import { createKafka } from '../../kafka/create-kafka.js';
import { ensureTopics, topicPartitionCount, type TopicSpec } from '../../kafka/ensure-topics.js';
import { newSimTick, paceTicks, SyntheticMarket, tickToJson, type PaceTicksResult } from '../../simulator/index.js';
import { finish, writeLine } from '../write-lines.js';
import { addMarketOptions, type MarketCliOptions } from '../market-cli-options.js';
import { numberOption } from '../number-option.js';
import { stopOnSignals } from '../../service/stop-on-signals.js';

/** Options of `rnn-stream simulate`, as parsed. */
export interface SimulateOptions extends MarketCliOptions {
  start?: number;
  count?: number;
  topic?: string;
  partitions?: number;
  batch: number;
  config?: string;
  out?: string;
}

/** Registers `rnn-stream simulate`: the synthetic market to a Kafka topic (or a JSONL file). */
export function registerSimulate(program: Command): void {
  addMarketOptions(program.command('simulate'))
    .description('Produce a synthetic market (GBM with volatility regimes) to Kafka at a given rate; key = symbol, value = JSON tick.')
    .option('-n, --count <n>', 'stop after this many events (default: run until SIGINT/SIGTERM)', numberOption.atLeast('--count'))
    .option('--start <ts>', 'timestamp of the first tick, epoch ms or ISO-8601 (default: now)', numberOption.timestamp('--start'))
    .option('-t, --topic <name>', 'topic to produce to (default: kafka.inputTopic of the configuration)')
    .option('-p, --partitions <n>', 'partitions when the topic is created (default: kafka.topics.partitions)', numberOption.atLeast('--partitions'))
    .option('--batch <n>', 'largest number of events per produce request', numberOption.atLeast('--batch'), 1000)
    .option('-c, --config <file>', 'configuration file merged over config/default.yaml (brokers, TLS, SASL, ...)')
    .option('-o, --out <ticks.jsonl>', 'write the ticks to this file instead of Kafka, as fast as possible (needs --count)')
    .addHelpText(
      'after',
      `
Each message: key = symbol, value = {"symbol","ts","price","volume"} (ts in epoch ms; timestamps
advance by 1000/rate ms per event). A missing topic is created (unless kafka.topics.create is
false); an existing one is kept as it is. The market model and its
parameters are described in docs/simulator.md.`,
    )
    .action(async (opts: SimulateOptions) => {
      const result = opts.out ? await simulateToFile(opts, opts.out) : await simulateToKafka(opts);
      const seconds = result.elapsedMs / 1000;
      process.stderr.write(
        `simulate: ${result.produced} events to ${opts.out ?? 'Kafka'} in ${seconds.toFixed(2)} s` +
          ` (${seconds > 0 ? (result.produced / seconds).toFixed(0) : '-'} ev/s)\n`,
      );
    });
}

function marketOf(opts: SimulateOptions): SyntheticMarket {
  return new SyntheticMarket({ symbols: opts.symbols, seed: opts.seed, rate: opts.rate, order: opts.order, startTs: opts.start ?? Date.now() });
}

/** Writes `count` ticks as JSONL, unpaced (timestamps still follow the rate). */
async function simulateToFile(opts: SimulateOptions, path: string): Promise<PaceTicksResult> {
  if (opts.count === undefined) throw new ConfigError('--out needs --count (a file cannot be written forever)', { key: '--count' });
  const out = createWriteStream(path, { encoding: 'utf-8' });
  const failed = new Promise<never>((_, reject) => out.once('error', (cause) => reject(new RnnStreamError(`cannot write ${path}`, { cause }))));
  const market = marketOf(opts);
  const started = performance.now();
  const write = async (): Promise<void> => {
    const tick = newSimTick();
    for (let i = 0; i < (opts.count ?? 0); i++) await writeLine(out, tickToJson(market.next(tick)));
    await finish(out);
  };
  await Promise.race([write(), failed]);
  return { produced: market.produced, batches: 0, elapsedMs: performance.now() - started };
}

/** Produces ticks to Kafka, paced, until --count or a signal; creates the topic when missing. */
async function simulateToKafka(opts: SimulateOptions): Promise<PaceTicksResult> {
  const config = await loadConfig({ file: opts.config });
  const topic = opts.topic ?? config.kafka.inputTopic;
  const where = `topic ${topic} at ${config.kafka.brokers.join(',')}`;
  const kafka = createKafka(config.kafka);
  const { partitions, replicationFactor, create } = config.kafka.topics;
  await ensureTopic(kafka, { topic, numPartitions: opts.partitions ?? partitions, replicationFactor }, create, where);
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  const compression = config.kafka.producer.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
  const market = marketOf(opts);
  const stop = stopOnSignals();
  const progress = setInterval(() => process.stderr.write(`simulate: ${market.produced} events to ${topic}\n`), 5000).unref();
  try {
    await kafkaStep(() => producer.connect(), `cannot connect a producer to ${where}`);
    // One produce request at a time: concurrent kafkajs sends can reorder a key's ticks.
    // Throughput still adapts: while a send is out, tokens accrue and the next batch is larger.
    return await paceTicks({
      market, rate: opts.rate, count: opts.count, maxBatch: opts.batch, signal: stop.signal,
      onBatch: async (ticks, n) => {
        const messages: Message[] = new Array(n);
        for (let i = 0; i < n; i++) messages[i] = { key: ticks[i].symbol, value: tickToJson(ticks[i]) };
        await kafkaStep(() => producer.send({ topic, messages, acks: config.kafka.producer.acks, compression }), `cannot produce to ${where}`);
      },
    });
  } finally {
    clearInterval(progress);
    stop.dispose();
    await kafkaStep(() => producer.disconnect(), `cannot disconnect from ${where}`);
  }
}

/** Creates `topic` when missing (if kafka.topics.create); says when an existing one has another partition count. */
async function ensureTopic(kafka: Kafka, spec: TopicSpec, create: boolean, where: string): Promise<void> {
  const admin = kafka.admin();
  await kafkaStep(() => admin.connect(), `cannot connect to ${where}`);
  try {
    await kafkaStep(() => ensureTopics(admin, [spec], create), `cannot create ${where}`);
    const partitions = await kafkaStep(() => topicPartitionCount(admin, spec.topic), `cannot describe ${where}`);
    const note = partitions === spec.numPartitions ? '' : ` (exists; ${spec.numPartitions} asked, kept as it is)`;
    process.stderr.write(`simulate: topic ${spec.topic} has ${partitions} partitions${note}\n`);
  } finally {
    await kafkaStep(() => admin.disconnect(), `cannot disconnect from ${where}`);
  }
}

/** Runs a kafkajs call, wrapping its error with what was attempted (retriable as kafkajs says). */
async function kafkaStep<T>(call: () => Promise<T>, what: string): Promise<T> {
  try {
    return await call();
  } catch (cause) {
    if (cause instanceof RnnStreamError) throw cause;
    const retriable = typeof cause === 'object' && cause !== null && (cause as { retriable?: unknown }).retriable === true;
    throw new RnnStreamError(what, { cause, retriable });
  }
}
