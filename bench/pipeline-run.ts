/**
 * Phase of bench/pipeline.ts (run in its own process): the rnn-stream pipeline itself
 * (startKafkaPipeline with a RedisStateStore and live scoring, as `rnn-stream run` wires it; the
 * scores are not published to Redis, a timer's work every quality.publishIntervalMs) from the input topic
 * until every event has its prediction produced. Progress is read from the pipeline's own
 * metrics as they are updated: the first batch is received when rnn_stream_batches_in_flight
 * first goes up; outputs are rnn_stream_predictions_total.
 * Usage: tsx bench/pipeline-run.ts '<BenchRun JSON>'
 */
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { LiveQuality } from '../src/quality/live-quality.js';
import { startKafkaPipeline } from '../src/service/start-kafka-pipeline.js';
import { createPipelineMetrics } from '../src/metrics/pipeline-metrics.js';
import { loadModel } from '../src/model/load-model.js';
import type { Command } from 'ioredis';
import { createRedisClient } from '../src/state/create-redis-client.js';
import { RedisStateStore } from '../src/state/redis-state-store.js';
import { benchConfig, OutputClock, type BenchRun } from './pipeline-common.js';

const run = JSON.parse(process.argv[2]) as BenchRun;
const config = await benchConfig(run);
const loaded = await loadModel(run.model);
const registry = new Registry();
const metrics = createPipelineMetrics(registry);
// The store gets a client whose sendCommand counts what is sent (round trips by command name);
// INFO commandstats on the server also counts the commands run inside the Lua scripts.
const client = createRedisClient({ url: config.redis.url });
const sent: Record<string, number> = {};
const sendCommand = client.sendCommand.bind(client);
client.sendCommand = ((command: Command, ...rest: unknown[]) => {
  sent[command.name] = (sent[command.name] ?? 0) + 1;
  return (sendCommand as (c: Command, ...r: unknown[]) => unknown)(command, ...rest);
}) as typeof client.sendCommand;
const store = new RedisStateStore({ keyPrefix: config.redis.keyPrefix, client });
const clock = new OutputClock(run.warmupSeconds);
// Progress is taken from the pipeline's own counters as they move (no polling, which would add
// its own CPU time): a batch entering the pipeline starts the clock, predictions produced stop it.
let finished!: () => void;
const allPredicted = new Promise<void>((resolve) => (finished = resolve));
const batchesInFlight = metrics.batchesInFlight as unknown as { inc(n?: number): void };
const enter = batchesInFlight.inc.bind(batchesInFlight);
batchesInFlight.inc = (n?: number) => {
  clock.received();
  enter(n);
};
const predicted = metrics.predictions.inc.bind(metrics.predictions);
metrics.predictions.inc = (n?: number) => {
  predicted(n);
  if (clock.acked(n ?? 1) >= run.events) finished();
};
const logger = pino({ level: config.logging.level });
// Live scoring as `rnn-stream run` wires it (quality.enabled, on by default; `--set quality.enabled=false` turns it off).
const quality = new LiveQuality({ config: config.quality, metrics, logger });
const pipeline = await startKafkaPipeline({ config, loaded, store, metrics, logger, quality });
if (run.signalReady) {
  while (pipeline.assigned().length < run.partitions) await new Promise((r) => setTimeout(r, 20));
  process.stdout.write('ready\n');
}

async function counter(name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = await registry.getSingleMetric(name)?.get();
  const value = metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return value?.value ?? 0;
}

await Promise.race([allPredicted, pipeline.done.then(() => Promise.reject(new Error('the pipeline stopped before every event was predicted')))]);
const result = clock.result();
await pipeline.stop();
await store.close();
await client.quit();
// read after stop: the last batches' commit stage (which times them) runs after their predictions are counted
const rejected = await counter('rnn_stream_events_total', { outcome: 'rejected' });
const batchMetric = await registry.getSingleMetric('rnn_stream_batch_duration_seconds')?.get();
const batches = batchMetric?.values.find((v) => (v as { metricName?: string }).metricName === 'rnn_stream_batch_duration_seconds_count')?.value ?? 0;
const mean = async (name: string, labels = ''): Promise<number> => {
  const text = await registry.getSingleMetricAsString(name);
  const value = (suffix: string): number => Number(new RegExp(`^${name}_${suffix}${labels.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  return (value('sum') / value('count')) * 1000;
};
const meanMs = { batch: await mean('rnn_stream_batch_duration_seconds'), apply: await mean('rnn_stream_state_io_duration_seconds', '{op="apply"}') };
process.stderr.write(`pipeline phase: mean batch ${meanMs.batch.toFixed(1)} ms, mean Redis apply ${meanMs.apply.toFixed(1)} ms\n`);
process.stdout.write(`${JSON.stringify({ ...result, batches, rejected, redisSent: sent, meanMs })}\n`);
