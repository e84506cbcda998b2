/**
 * The fixed-rate side of bench/pipeline.ts: producing simulated ticks at a steady rate while a
 * phase consumes them, and end-to-end latency read back from Kafka's log-append timestamps
 * (input append -> output append, both topics created with message.timestamp.type
 * LogAppendTime, so both clocks are the broker's).
 */
import type { Kafka, Message } from 'kafkajs';
import { newSimTick, SyntheticMarket, tickToJson } from '../src/simulator/index.js';

/** The ticks of a run: the same seed and symbols for every phase, so each consumes the same input. */
export function tickSource(symbols: number): () => Message {
  const market = new SyntheticMarket({ symbols, seed: 1, rate: 10_000, startTs: Date.now() });
  const tick = newSimTick();
  return () => {
    market.next(tick);
    return { key: tick.symbol, value: tickToJson(tick) };
  };
}

/**
 * Produces `events` messages to `topic` at `rate` per second: every 2 ms, what is due by then, in
 * one request (acks -1). Returns the achieved rate.
 */
export async function produceAtRate(kafka: Kafka, topic: string, events: number, rate: number, next: () => Message): Promise<number> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const start = performance.now();
  let sent = 0;
  try {
    while (sent < events) {
      const due = Math.min(events, Math.floor(((performance.now() - start) / 1000) * rate));
      if (due > sent) {
        const messages: Message[] = [];
        for (; sent < due; ) {
          messages.push(next());
          sent++;
        }
        await producer.send({ topic, messages, acks: -1 });
      }
      const wait = start + ((sent + 1) / rate) * 1000 - performance.now();
      await new Promise((r) => setTimeout(r, Math.max(1, Math.min(2, wait))));
    }
  } finally {
    await producer.disconnect();
  }
  return sent / ((performance.now() - start) / 1000);
}

/** Latency percentiles in milliseconds. */
export interface Percentiles {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

/**
 * A phase's latency: over every event, and over the events appended after the phase's first
 * `warmupSeconds` of input (the start of consumption: a fresh process, no state, every key new),
 * plus the worst latency of the events appended in each second of the phase.
 */
export interface LatencySummary extends Percentiles {
  readonly warmupSeconds: number;
  /** Null when no event was appended after the warm-up. */
  readonly afterWarmup: Percentiles | null;
  /** maxBySecond[i]: the largest latency of an event appended in second i of the phase. */
  readonly maxBySecond: readonly number[];
}

function percentiles(latencies: number[]): Percentiles {
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)];
  return { count: latencies.length, p50: at(0.5), p99: at(0.99), p999: at(0.999), max: latencies[latencies.length - 1] };
}

/** Every record of `topic` (all partitions, from the beginning), in offset order per partition. */
async function readAll(kafka: Kafka, topic: string, expected: number): Promise<{ partition: number; offset: string; timestamp: number; value: Buffer | null }[]> {
  const consumer = kafka.consumer({ groupId: `${topic}-readback-${Date.now()}`, allowAutoTopicCreation: false });
  await consumer.connect();
  const records: { partition: number; offset: string; timestamp: number; value: Buffer | null }[] = [];
  await consumer.subscribe({ topic, fromBeginning: true });
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const timeout = setTimeout(done, 60_000);
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages) records.push({ partition: batch.partition, offset: m.offset, timestamp: Number(m.timestamp), value: m.value });
      if (records.length >= expected) done();
    },
  });
  await finished;
  clearTimeout(timeout);
  await consumer.disconnect();
  if (records.length < expected) throw new Error(`read ${records.length} of ${expected} records back from ${topic}`);
  return records;
}

/**
 * End-to-end latency of every output record: its append time minus its input's append time;
 * also over the inputs appended `warmupSeconds` or more after the phase's first input, and the
 * worst per second of input (see LatencySummary).
 * `sourceOf` names the input record (partition, offset) of an output record: the pipeline's
 * body carries it; the bare client's copies are matched by position (same partitioner, same
 * partition count) and checked to carry the same bytes.
 */
export async function endToEndLatency(kafka: Kafka, inputTopic: string, outputTopic: string, events: number, bodyHasSource: boolean, warmupSeconds: number): Promise<LatencySummary> {
  const input = await readAll(kafka, inputTopic, events);
  const output = await readAll(kafka, outputTopic, events);
  const inputAt = new Map<string, { timestamp: number; value: Buffer | null }>();
  for (const r of input) inputAt.set(`${r.partition}:${r.offset}`, r);
  const position = new Map<number, number>();
  const byPartition = new Map<number, typeof input>();
  for (const r of input) (byPartition.get(r.partition) ?? byPartition.set(r.partition, []).get(r.partition)!).push(r);
  const latencies: number[] = [];
  const afterWarmup: number[] = [];
  const maxBySecond: number[] = [];
  let start = Infinity;
  for (const r of input) start = Math.min(start, r.timestamp);
  for (const r of output) {
    let source: { timestamp: number; value: Buffer | null } | undefined;
    if (bodyHasSource) {
      const body = JSON.parse(String(r.value)) as { source: { partition: number; offset: string } };
      source = inputAt.get(`${body.source.partition}:${body.source.offset}`);
    } else {
      const i = position.get(r.partition) ?? 0;
      position.set(r.partition, i + 1);
      source = byPartition.get(r.partition)?.[i];
      if (source && !source.value?.equals(r.value ?? Buffer.alloc(0))) throw new Error(`output ${r.partition}:${r.offset} is not the input at the same position`);
    }
    if (!source) throw new Error(`output record ${r.partition}:${r.offset} has no input record`);
    const latency = r.timestamp - source.timestamp;
    const second = Math.floor((source.timestamp - start) / 1000);
    latencies.push(latency);
    if (second >= warmupSeconds) afterWarmup.push(latency);
    while (maxBySecond.length <= second) maxBySecond.push(0);
    maxBySecond[second] = Math.max(maxBySecond[second], latency);
  }
  return { ...percentiles(latencies), warmupSeconds, afterWarmup: afterWarmup.length > 0 ? percentiles(afterWarmup) : null, maxBySecond };
}
