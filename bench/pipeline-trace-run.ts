/**
 * Phase of bench/pipeline-trace.ts (run in its own process): the pipeline as bench/pipeline-run.ts
 * runs it, with every stage of every batch timestamped. Writes one JSON line per event to the
 * trace file (epoch milliseconds, sub-millisecond): kafkajs' own instrumentation of the consumer
 * (each request: Fetch, OffsetCommit, ...; each batch's start and end) and of the producer
 * (Produce requests, with the time they waited in its queue), the state store's calls (load,
 * apply, mark produced), the model's work slices, GC pauses, and event-loop gaps over 15 ms.
 * kafkajs' clients are reached through Kafka.prototype, since startKafkaPipeline creates them.
 * Usage: tsx bench/pipeline-trace-run.ts '<BenchRun JSON>' TRACE_FILE
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import { Kafka } from 'kafkajs';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { createPipelineMetrics } from '../src/metrics/pipeline-metrics.js';
import { loadModel } from '../src/model/load-model.js';
import { startKafkaPipeline } from '../src/service/start-kafka-pipeline.js';
import { createRedisClient } from '../src/state/create-redis-client.js';
import { RedisStateStore } from '../src/state/redis-state-store.js';
import { WorkBudget } from '../src/stream/work-budget.js';
import { benchConfig, type BenchRun } from './pipeline-common.js';

const run = JSON.parse(process.argv[2]) as BenchRun;
const file = process.argv[3];
writeFileSync(file, '');
const lines: string[] = [];
const now = (): number => performance.timeOrigin + performance.now();
const trace = (ev: string, fields: Record<string, unknown> = {}): void => void lines.push(JSON.stringify({ t: now(), ev, ...fields }));
const flush = (): void => {
  if (lines.length > 0) appendFileSync(file, `${lines.join('\n')}\n`);
  lines.length = 0;
};
setInterval(flush, 1000).unref();

new PerformanceObserver((list) => {
  for (const e of list.getEntries()) trace('gc', { start: performance.timeOrigin + e.startTime, ms: e.duration });
}).observe({ entryTypes: ['gc'] });
let tickAt = performance.now();
setInterval(() => {
  const at = performance.now();
  if (at - tickAt > 15) trace('loop_gap', { ms: at - tickAt });
  tickAt = at;
}, 5).unref();

const consumerOf = Kafka.prototype.consumer;
Kafka.prototype.consumer = function (this: Kafka, ...args: Parameters<Kafka['consumer']>) {
  const c = consumerOf.apply(this, args);
  c.on(c.events.REQUEST, (e) => trace('consumer_request', { api: e.payload.apiName, sentAt: e.payload.sentAt, queuedMs: e.payload.pendingDuration, ms: e.payload.duration }));
  c.on(c.events.FETCH_START, () => trace('fetch_start'));
  c.on(c.events.START_BATCH_PROCESS, (e) => trace('batch_start', { partition: e.payload.partition, messages: e.payload.batchSize }));
  c.on(c.events.END_BATCH_PROCESS, (e) => trace('batch_end', { partition: e.payload.partition }));
  return c;
};
const producerOf = Kafka.prototype.producer;
Kafka.prototype.producer = function (this: Kafka, ...args: Parameters<Kafka['producer']>) {
  const p = producerOf.apply(this, args);
  p.on(p.events.REQUEST, (e) => trace('producer_request', { api: e.payload.apiName, sentAt: e.payload.sentAt, queuedMs: e.payload.pendingDuration, ms: e.payload.duration }));
  return p;
};
const record = WorkBudget.prototype.record;
WorkBudget.prototype.record = function (this: WorkBudget, events: number, elapsedMs: number) {
  trace('model_slice', { events, ms: elapsedMs });
  record.call(this, events, elapsedMs);
};

const config = await benchConfig(run);
const loaded = await loadModel(run.model);
const metrics = createPipelineMetrics(new Registry());
const client = createRedisClient({ url: config.redis.url });
const store = new RedisStateStore({ keyPrefix: config.redis.keyPrefix, client });
const timed = <A extends unknown[], R>(name: string, fn: (...a: A) => Promise<R>, partitionOf: (...a: A) => number) => async (...a: A): Promise<R> => {
  const start = now();
  const result = await fn(...a);
  trace(name, { start, partition: partitionOf(...a) });
  return result;
};
store.loadPartition = timed('store_load', store.loadPartition.bind(store), (ref) => ref.partition);
store.applyBatch = timed('store_apply', store.applyBatch.bind(store), (w) => w.partition.partition);
store.markProduced = timed('store_mark', store.markProduced.bind(store), (ref) => ref.partition);

let predicted = 0;
let finished!: () => void;
const allPredicted = new Promise<void>((resolve) => (finished = resolve));
const inc = metrics.predictions.inc.bind(metrics.predictions);
metrics.predictions.inc = (n?: number) => {
  inc(n);
  predicted += n ?? 1;
  if (predicted >= run.events) finished();
};
const pipeline = await startKafkaPipeline({ config, loaded, store, metrics, logger: pino({ level: config.logging.level }) });
while (pipeline.assigned().length < run.partitions) await new Promise((r) => setTimeout(r, 20));
trace('ready');
process.stdout.write('ready\n');
await Promise.race([allPredicted, pipeline.done.then(() => Promise.reject(new Error('the pipeline stopped before every event was predicted')))]);
await pipeline.stop();
await store.close();
await client.quit();
trace('done');
flush();
process.stdout.write(`${JSON.stringify({ events: predicted })}\n`);
