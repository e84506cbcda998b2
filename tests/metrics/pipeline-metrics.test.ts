import { readFileSync } from 'node:fs';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { REJECT_REASONS } from '../../src/events/reject-reason.js';
import { createPipelineMetrics } from '../../src/metrics/pipeline-metrics.js';

const OURS = /^rnn_stream_([a-z_]+_(total|seconds|bytes|messages|keys|info|in_flight|ratio)|ready|live_error|live_drift_statistic)$/;
const DEFAULT_PROCESS_METRIC = /^(process|nodejs)_[a-z0-9_]+$/;
const ALLOWED_LABELS = new Set(['outcome', 'reason', 'op', 'status', 'topic', 'partition', 'model', 'version', 'cell', 'node_version']);

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
      'rnn_stream_backpressure_seconds_total',
      'rnn_stream_batch_duration_seconds',
      'rnn_stream_batch_messages',
      'rnn_stream_batches_in_flight',
      'rnn_stream_batches_total',
      'rnn_stream_build_info',
      'rnn_stream_busy_seconds_total',
      'rnn_stream_consumer_lag_messages',
      'rnn_stream_dead_letters_total',
      'rnn_stream_drift_command_runs_total',
      'rnn_stream_end_to_end_latency_seconds',
      'rnn_stream_events_total',
      'rnn_stream_fetch_partition_limit_bytes',
      'rnn_stream_last_event_timestamp_seconds',
      'rnn_stream_live_baseline_info',
      'rnn_stream_live_drift_detections_total',
      'rnn_stream_live_drift_last_detection_timestamp_seconds',
      'rnn_stream_live_drift_statistic',
      'rnn_stream_live_error',
      'rnn_stream_live_hit_ratio',
      'rnn_stream_live_scored_total',
      'rnn_stream_live_skill_ratio',
      'rnn_stream_model_info',
      'rnn_stream_model_step_duration_seconds',
      'rnn_stream_offset_commits_total',
      'rnn_stream_output_transactions_total',
      'rnn_stream_predictions_total',
      'rnn_stream_produce_errors_total',
      'rnn_stream_ready',
      'rnn_stream_rebalances_total',
      'rnn_stream_rejected_events_total',
      'rnn_stream_skipped_record_batches_total',
      'rnn_stream_state_io_duration_seconds',
      'rnn_stream_state_io_errors_total',
      'rnn_stream_timestamp_regressions_total',
      'rnn_stream_unknown_tokens_total',
      'rnn_stream_wrong_partition_events_total',
    ]);
    expect(names).toContain('process_cpu_user_seconds_total');
  });

  it('uses only small fixed label sets, never an entity key', async () => {
    const registry = new Registry();
    const metrics = createPipelineMetrics(registry, { defaultMetrics: false });
    metrics.consumerLag.assign('ticks', [3]);
    metrics.consumerLag.applied('ticks', 3, 10, 20);
    metrics.batchSettled('failed');
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

  it('counts skipped record batches by reason, every reason starting at 0', async () => {
    const registry = new Registry();
    const metrics = createPipelineMetrics(registry, { defaultMetrics: false });
    expect(await sample(registry, 'rnn_stream_skipped_record_batches_total{reason="unsupported_compression"}')).toBe(0);
    metrics.recordSkippedBatch('decompression_limit');
    metrics.recordSkippedBatch('decompression_limit');
    metrics.recordSkippedBatch('corrupt_batch');
    expect(await sample(registry, 'rnn_stream_skipped_record_batches_total{reason="decompression_limit"}')).toBe(2);
    expect(await sample(registry, 'rnn_stream_skipped_record_batches_total{reason="corrupt_batch"}')).toBe(1);
    expect(await sample(registry, 'rnn_stream_skipped_record_batches_total{reason="unsupported_compression"}')).toBe(0);
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
    expect(await sample(registry, 'rnn_stream_end_to_end_latency_seconds_bucket{le="38.3"}')).toBe(0);
    expect(await sample(registry, 'rnn_stream_end_to_end_latency_seconds_bucket{le="46.4"}')).toBe(1);
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

describe('createPipelineMetrics: series an operator needs from the first scrape', () => {
  it('has every rejection reason and batch status at 0 before anything happened', async () => {
    const registry = new Registry();
    createPipelineMetrics(registry, { defaultMetrics: false });
    for (const reason of REJECT_REASONS) expect(await sample(registry, `rnn_stream_rejected_events_total{reason="${reason}"}`), reason).toBe(0);
    for (const status of ['committed', 'skipped', 'fenced', 'stale', 'failed']) {
      expect(await sample(registry, `rnn_stream_batches_total{status="${status}"}`), status).toBe(0);
    }
    for (const name of ['rebalances', 'produce_errors', 'offset_commits', 'state_io_errors', 'busy_seconds', 'backpressure_seconds']) {
      expect(await sample(registry, `rnn_stream_${name}_total`), name).toBe(0);
    }
  });

  it('names the build: the package version and the Node.js version', async () => {
    const registry = new Registry();
    createPipelineMetrics(registry, { defaultMetrics: false });
    const { version } = JSON.parse(readFileSync('package.json', 'utf-8')) as { version: string };
    expect(await sample(registry, `rnn_stream_build_info{version="${version}",node_version="${process.versions.node}"}`)).toBe(1);
  });

  it('answers readiness at each scrape from the check it is given (0 without one or when it throws)', async () => {
    const registry = new Registry();
    const metrics = createPipelineMetrics(registry, { defaultMetrics: false });
    expect(await sample(registry, 'rnn_stream_ready')).toBe(0);
    let ready = true;
    metrics.setReadinessCheck(async () => ready);
    expect(await sample(registry, 'rnn_stream_ready')).toBe(1);
    ready = false;
    expect(await sample(registry, 'rnn_stream_ready')).toBe(0);
    metrics.setReadinessCheck(async () => {
      throw new Error('redis down');
    });
    expect(await sample(registry, 'rnn_stream_ready')).toBe(0);
  });

  it('does not hold a scrape up for a slow readiness check: the previous answer, then the new one', async () => {
    const registry = new Registry();
    const metrics = createPipelineMetrics(registry, { defaultMetrics: false });
    metrics.setReadinessCheck(async () => true);
    expect(await sample(registry, 'rnn_stream_ready')).toBe(1);
    let answer: (ready: boolean) => void = () => undefined;
    metrics.setReadinessCheck(() => new Promise<boolean>((resolve) => (answer = resolve)));
    // The check never answers during this scrape: the scrape completes with the previous answer.
    expect(await sample(registry, 'rnn_stream_ready')).toBe(1);
    answer(false);
    await new Promise((resolve) => setImmediate(resolve));
    metrics.setReadinessCheck(() => new Promise<boolean>(() => undefined));
    // The late answer (not ready) is what the next scrape reports while its own check hangs.
    expect(await sample(registry, 'rnn_stream_ready')).toBe(0);
  });

  it('keeps the newest event time, in seconds', async () => {
    const registry = new Registry();
    const metrics = createPipelineMetrics(registry, { defaultMetrics: false });
    metrics.recordEventTime(1_700_000_002_500);
    metrics.recordEventTime(1_700_000_001_000);
    expect(await sample(registry, 'rnn_stream_last_event_timestamp_seconds')).toBe(1_700_000_002.5);
  });

  it('counts batches by status, their size, and busy time while they are in flight', async () => {
    const registry = new Registry();
    let t = 0;
    const metrics = createPipelineMetrics(registry, { defaultMetrics: false, clock: () => t });
    metrics.setBatchSlots(4);
    metrics.batchStarted(120);
    t = 250;
    expect(await sample(registry, 'rnn_stream_batches_in_flight')).toBe(1);
    expect(await sample(registry, 'rnn_stream_busy_seconds_total')).toBeCloseTo(0.25, 9);
    metrics.batchSettled('committed');
    t = 1000;
    expect(await sample(registry, 'rnn_stream_busy_seconds_total')).toBeCloseTo(0.25, 9);
    expect(await sample(registry, 'rnn_stream_batches_total{status="committed"}')).toBe(1);
    expect(await sample(registry, 'rnn_stream_batch_messages_bucket{le="200"}')).toBe(1);
    expect(await sample(registry, 'rnn_stream_batch_messages_bucket{le="100"}')).toBe(0);
    expect(await sample(registry, 'rnn_stream_batches_in_flight')).toBe(0);
  });
});
