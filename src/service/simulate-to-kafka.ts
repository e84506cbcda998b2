import type { KafkaConfig } from '../config/kafka-config.js';
import { RnnStreamError } from '../errors/index.js';
import { ensureTopics, topicPartitionCount } from '../kafka/ensure-topics.js';
import type { KafkaClient, TopicSpec } from '../kafka/kafka-client.js';
import { createKafkajsClient } from '../kafka/kafkajs-client.js';
import type { SinkRecord } from '../records/sink-record.js';
import { paceTicks, tickToJson, type PaceTicksResult, type SyntheticMarket } from '../simulator/index.js';

/** What {@link simulateToKafka} needs. */
export interface SimulateToKafkaOptions {
  /** The `kafka` configuration section: connection, topic creation, producer acks and compression. */
  readonly kafka: KafkaConfig;
  readonly topic: string;
  /** Partitions when the topic is created. */
  readonly partitions: number;
  readonly market: SyntheticMarket;
  /** Events per second. */
  readonly rate: number;
  /** Stop after this many events (default: until `signal`). */
  readonly count?: number;
  /** Largest number of events per produce request. */
  readonly maxBatch: number;
  readonly signal: AbortSignal;
  /** Receives the progress lines (the topic's partition count, every 5 s the events so far). */
  readonly report: (line: string) => void;
}

/** Produces ticks to Kafka, paced, until `count` or the signal; creates the topic when missing. */
export async function simulateToKafka(opts: SimulateToKafkaOptions): Promise<PaceTicksResult> {
  const { kafka: config, topic, market } = opts;
  const where = `topic ${topic} at ${config.brokers.join(',')}`;
  const kafka = createKafkajsClient(config);
  const { replicationFactor, create } = config.topics;
  await ensureTopic(kafka, { topic, numPartitions: opts.partitions, replicationFactor }, create, where, opts.report);
  // The configured producer: acks, idempotence and compression as in kafka.producer.
  const producer = kafka.producerSink();
  const progress = setInterval(() => opts.report(`simulate: ${market.produced} events to ${topic}\n`), 5000).unref();
  try {
    await kafkaStep(() => producer.connect(), `cannot connect a producer to ${where}`);
    // One send at a time: concurrent sends can reorder a key's ticks.
    // Throughput still adapts: while a send is out, tokens accrue and the next batch is larger.
    return await paceTicks({
      market, rate: opts.rate, count: opts.count, maxBatch: opts.maxBatch, signal: opts.signal,
      onBatch: async (ticks, n) => {
        const records: SinkRecord[] = new Array(n);
        for (let i = 0; i < n; i++) records[i] = { key: ticks[i].symbol, value: Buffer.from(tickToJson(ticks[i])), headers: {} };
        await kafkaStep(() => producer.send(topic, records), `cannot produce to ${where}`);
      },
    });
  } finally {
    clearInterval(progress);
    await kafkaStep(() => producer.disconnect(), `cannot disconnect from ${where}`);
  }
}

/** Creates `topic` when missing (if kafka.topics.create); says when an existing one has another partition count. */
async function ensureTopic(kafka: KafkaClient, spec: TopicSpec, create: boolean, where: string, report: (line: string) => void): Promise<void> {
  const admin = kafka.admin();
  await kafkaStep(() => admin.connect(), `cannot connect to ${where}`);
  try {
    await kafkaStep(() => ensureTopics(admin, [spec], create), `cannot create ${where}`);
    const partitions = await kafkaStep(() => topicPartitionCount(admin, spec.topic), `cannot describe ${where}`);
    const note = partitions === spec.numPartitions ? '' : ` (exists; ${spec.numPartitions} asked, kept as it is)`;
    report(`simulate: topic ${spec.topic} has ${partitions} partitions${note}\n`);
  } finally {
    await kafkaStep(() => admin.disconnect(), `cannot disconnect from ${where}`);
  }
}

/** Runs a Kafka call, wrapping its error with what was attempted (retriable as the client says). */
async function kafkaStep<T>(call: () => Promise<T>, what: string): Promise<T> {
  try {
    return await call();
  } catch (cause) {
    if (cause instanceof RnnStreamError) throw cause;
    const retriable = typeof cause === 'object' && cause !== null && (cause as { retriable?: unknown }).retriable === true;
    throw new RnnStreamError(what, { cause, retriable });
  }
}
