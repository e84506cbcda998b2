import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { REJECT_REASONS } from '../../src/events/reject-reason.js';
import { createPipelineMetrics } from '../../src/metrics/pipeline-metrics.js';

const OURS = /^rnn_stream_[a-z_]+_(total|seconds|bytes|messages|keys|info|in_flight)$/;
const DEFAULT_PROCESS_METRIC = /^(process|nodejs)_[a-z0-9_]+$/;
const ALLOWED_LABELS = new Set(['outcome', 'reason', 'op', 'topic', 'partition', 'model', 'version', 'cell']);

/** Value of one sample in Prometheus text exposition, e.g. `rnn_stream_events_total{outcome="applied"}`. */
async function sample(registry: Registry, series: string): Promise<number | undefined> {
  const text = await registry.metrics();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('createPipelineMetrics', () => {
  it('names every metric rnn_stream_<what>_<unit>, or is a default process metric', async () => {
    const registry = new Registry();
    createPipelineMetrics(registry);
    const names = registry.getMetricsAsArray().map((m) => m.name);
    expect(names.length).toBeGreaterThan(12);
    for (const name of names) expect(OURS.test(name) || DEFAULT_PROCESS_METRIC.test(name), name).toBe(true);
    expect(names.filter((n) => n.startsWith('rnn_stream_')).sort()).toEqual([
      'rnn_stream_active_keys',
      'rnn_stream_batch_duration_seconds',
      'rnn_stream_batches_in_flight',
      'rnn_stream_consumer_lag_messages',
      'rnn_stream_dead_letters_total',
      'rnn_stream_end_to_end_latency_seconds',
      'rnn_stream_events_total',
      'rnn_stream_model_info',
      'rnn_stream_predictions_total',
      'rnn_stream_rejected_events_total',
      'rnn_stream_state_io_duration_seconds',
      'rnn_stream_timestamp_regressions_total',
      'rnn_stream_wrong_partition_events_total',
    ]);
    expect(names).toContain('process_cpu_user_seconds_total');
  });

  it('uses only small fixed label sets, never an entity key', async () => {
    const registry = new Registry();
    const metrics = createPipelineMetrics(registry, { defaultMetrics: false });
    metrics.setConsumerLag('ticks', 3, 10);
    metrics.setModelInfo({ model: 'gru-ticks', version: '3', cell: 'gru' });
    for (const metric of await registry.getMetricsAsJSON()) {
      for (const value of metric.values) {
        for (const label of Object.keys(value.labels)) {
          if (label !== 'le') expect(ALLOWED_LABELS.has(label), `${metric.name}{${label}}`).toBe(true);
        }
      }
    }
  });

  it('leaves the global registry alone and allows one set of metrics per registry', async () => {
    const { register } = await import('prom-client');
    const before = register.getMetricsAsArray().length;
    createPipelineMetrics(new Registry());
    createPipelineMetrics(new Registry());
    expect(register.getMetricsAsArray().length).toBe(before);
  });

  it('starts every outcome at 0 and counts events by outcome', async () => {
    const registry = new Registry();
    const metrics = createPipelineMetrics(registry, { defaultMetrics: false });
    expect(await sample(registry, 'rnn_stream_events_total{outcome="rejected"}')).toBe(0);
    metrics.events.applied.inc(5);
    metrics.events.applied.inc();
    metrics.events.skippedDuplicate.inc(2);
    expect(await sample(registry, 'rnn_stream_events_total{outcome="applied"}')).toBe(6);
    expect(await sample(registry, 'rnn_stream_events_total{outcome="skipped_duplicate"}')).toBe(2);
  });

  it('counts a rejection both as an outcome and under its reason', async () => {
    const registry = new Registry();
    const metrics = createPipelineMetrics(registry, { defaultMetrics: false });
    metrics.recordRejected('malformed_json');
    metrics.recordRejected('non_positive_price', 3);
    expect(await sample(registry, 'rnn_stream_events_total{outcome="rejected"}')).toBe(4);
    expect(await sample(registry, 'rnn_stream_rejected_events_total{reason="malformed_json"}')).toBe(1);
    expect(await sample(registry, 'rnn_stream_rejected_events_total{reason="non_positive_price"}')).toBe(3);
    expect(REJECT_REASONS).toContain('oversized');
  });

  it('counts predictions, regressions and dead letters', async () => {
    const registry = new Registry();
    const metrics = createPipelineMetrics(registry, { defaultMetrics: false });
    metrics.predictions.inc(7);
    metrics.timestampRegressions.inc();
    metrics.deadLetters.inc(2);
    expect(await sample(registry, 'rnn_stream_predictions_total')).toBe(7);
    expect(await sample(registry, 'rnn_stream_timestamp_regressions_total')).toBe(1);
    expect(await sample(registry, 'rnn_stream_dead_letters_total')).toBe(2);
  });

  it('observes durations into the documented buckets by operation', async () => {
    const registry = new Registry();
    const metrics = createPipelineMetrics(registry, { defaultMetrics: false });
    metrics.stateIo.apply.observe(0.0007);
    metrics.stateIo.apply.observe(0.003);
    metrics.stateIo.load.observe(2);
    metrics.batchDuration.observe(0.02);
    metrics.endToEndLatency.observe(45);
    expect(await sample(registry, 'rnn_stream_state_io_duration_seconds_count{op="apply"}')).toBe(2);
    expect(await sample(registry, 'rnn_stream_state_io_duration_seconds_bucket{le="0.001",op="apply"}')).toBe(1);
    expect(await sample(registry, 'rnn_stream_state_io_duration_seconds_sum{op="load"}')).toBe(2);
    expect(await sample(registry, 'rnn_stream_state_io_duration_seconds_count{op="mark_produced"}')).toBe(0);
    expect(await sample(registry, 'rnn_stream_batch_duration_seconds_bucket{le="0.025"}')).toBe(1);
    expect(await sample(registry, 'rnn_stream_batch_duration_seconds_bucket{le="0.01"}')).toBe(0);
    expect(await sample(registry, 'rnn_stream_end_to_end_latency_seconds_bucket{le="30"}')).toBe(0);
    expect(await sample(registry, 'rnn_stream_end_to_end_latency_seconds_bucket{le="60"}')).toBe(1);
  });

  it('sets and removes consumer lag per partition', async () => {
    const registry = new Registry();
    const metrics = createPipelineMetrics(registry, { defaultMetrics: false });
    metrics.setConsumerLag('ticks', 0, 120);
    metrics.setConsumerLag('ticks', 1, 5);
    metrics.setConsumerLag('ticks', 0, 80);
    expect(await sample(registry, 'rnn_stream_consumer_lag_messages{topic="ticks",partition="0"}')).toBe(80);
    metrics.removeConsumerLag('ticks', 0);
    expect(await sample(registry, 'rnn_stream_consumer_lag_messages{topic="ticks",partition="0"}')).toBeUndefined();
    expect(await sample(registry, 'rnn_stream_consumer_lag_messages{topic="ticks",partition="1"}')).toBe(5);
  });

  it('shows only the current model after a swap', async () => {
    const registry = new Registry();
    const metrics = createPipelineMetrics(registry, { defaultMetrics: false });
    metrics.setModelInfo({ model: 'ticks-gru', version: '1', cell: 'gru' });
    metrics.setModelInfo({ model: 'ticks-gru', version: '2', cell: 'gru' });
    expect(await sample(registry, 'rnn_stream_model_info{model="ticks-gru",version="2",cell="gru"}')).toBe(1);
    expect(await sample(registry, 'rnn_stream_model_info{model="ticks-gru",version="1",cell="gru"}')).toBeUndefined();
  });

  it('tracks gauges that go up and down', async () => {
    const registry = new Registry();
    const metrics = createPipelineMetrics(registry, { defaultMetrics: false });
    metrics.batchesInFlight.inc();
    metrics.batchesInFlight.inc();
    metrics.batchesInFlight.dec();
    metrics.activeKeys.set(1000);
    expect(await sample(registry, 'rnn_stream_batches_in_flight')).toBe(1);
    expect(await sample(registry, 'rnn_stream_active_keys')).toBe(1000);
  });

  it('prefixes the default metrics when asked', () => {
    const registry = new Registry();
    createPipelineMetrics(registry, { defaultMetricsPrefix: 'rnn_stream_' });
    expect(registry.getSingleMetric('rnn_stream_process_cpu_user_seconds_total')).toBeDefined();
    expect(registry.getSingleMetric('process_cpu_user_seconds_total')).toBeUndefined();
  });
});
