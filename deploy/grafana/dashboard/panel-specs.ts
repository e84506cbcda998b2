/**
 * The panels of the rnn-stream dashboard as data: title, kind, unit and PromQL targets. The
 * dashboard builder turns them into Grafana JSON; the integration test runs every target through
 * a real Prometheus. Queries use the dashboard variables `$job` and `$instance` and Grafana's
 * `$__rate_interval`.
 */

/** One query of a panel. */
export interface TargetSpec {
  readonly refId: string;
  readonly expr: string;
  readonly legend: string;
}

/** One panel. `kind` picks the visualisation; `unit` is a Grafana unit id. */
export interface PanelSpec {
  readonly title: string;
  readonly description: string;
  readonly kind: 'timeseries' | 'table' | 'stat';
  readonly unit: string;
  readonly targets: readonly TargetSpec[];
}

/** A titled group of panels (a dashboard row). */
export interface RowSpec {
  readonly title: string;
  readonly panels: readonly PanelSpec[];
}

const sel = 'job="$job", instance=~"$instance"';
const rate = (metric: string, extra = ''): string => `rate(${metric}{${sel}${extra}}[$__rate_interval])`;
/**
 * A quantile of a histogram over the rate window, shown only for the label sets that had
 * observations in it (a partition load happens once per assignment: its quantile would be NaN
 * in most windows, drawn as a gap at best).
 */
const quantile = (q: number, metric: string, by = ''): string => {
  const labels = by.replace(/^,\s*/, '');
  return `histogram_quantile(${q}, sum by (le${by}) (${rate(`${metric}_bucket`)})) and on(${labels}) sum by (${labels}) (${rate(`${metric}_count`)}) > 0`;
};
const t = (refId: string, expr: string, legend: string): TargetSpec => ({ refId, expr, legend });

/** Every row and panel of the dashboard, top to bottom. */
export const DASHBOARD_ROWS: readonly RowSpec[] = [
  {
    title: 'Flow',
    panels: [
      {
        title: 'Events in by outcome',
        description: 'Input events per second: applied to state, rejected (dead-lettered), or skipped as already applied.',
        kind: 'timeseries',
        unit: 'ops',
        targets: [t('A', `sum by (outcome) (${rate('rnn_stream_events_total')})`, '{{outcome}}')],
      },
      {
        title: 'Predictions out',
        description: 'Predictions produced to the output topic per second.',
        kind: 'timeseries',
        unit: 'ops',
        targets: [t('A', `sum(${rate('rnn_stream_predictions_total')})`, 'predictions')],
      },
      {
        title: 'Consumer lag per partition',
        description: 'Messages between the applied position and the high watermark, per assigned input partition (refreshed periodically from the broker).',
        kind: 'timeseries',
        unit: 'short',
        targets: [t('A', `sum by (topic, partition) (rnn_stream_consumer_lag_messages{${sel}})`, '{{topic}}[{{partition}}]')],
      },
      {
        title: 'Event-time freshness',
        description: 'Age of the newest applied event (now minus its timestamp).',
        kind: 'timeseries',
        unit: 's',
        targets: [t('A', `time() - max(rnn_stream_last_event_timestamp_seconds{${sel}})`, 'freshness')],
      },
    ],
  },
  {
    title: 'Latency',
    panels: [
      {
        title: 'End-to-end latency',
        description: 'Event timestamp to its prediction produced.',
        kind: 'timeseries',
        unit: 's',
        targets: [
          t('A', quantile(0.5, 'rnn_stream_end_to_end_latency_seconds'), 'p50'),
          t('B', quantile(0.99, 'rnn_stream_end_to_end_latency_seconds'), 'p99'),
        ],
      },
      {
        title: 'Batch duration',
        description: 'One input batch, from receipt to commit.',
        kind: 'timeseries',
        unit: 's',
        targets: [
          t('A', quantile(0.5, 'rnn_stream_batch_duration_seconds'), 'p50'),
          t('B', quantile(0.99, 'rnn_stream_batch_duration_seconds'), 'p99'),
        ],
      },
      {
        title: 'State I/O latency (p99)',
        description: 'Redis calls by operation: load a partition, apply a batch, mark predictions produced.',
        kind: 'timeseries',
        unit: 's',
        targets: [t('A', quantile(0.99, 'rnn_stream_state_io_duration_seconds', ', op'), '{{op}}')],
      },
      {
        title: 'Model step time per event',
        description: 'Time spent advancing the model, divided by the events applied.',
        kind: 'timeseries',
        unit: 's',
        targets: [
          t('A', `sum(${rate('rnn_stream_model_step_duration_seconds_sum')}) / sum(${rate('rnn_stream_events_total', ', outcome="applied"')})`, 'per event'),
        ],
      },
    ],
  },
  {
    title: 'Batches',
    panels: [
      {
        title: 'Batch size',
        description: 'Messages per input batch.',
        kind: 'timeseries',
        unit: 'short',
        targets: [
          t('A', quantile(0.5, 'rnn_stream_batch_messages'), 'p50'),
          t('B', quantile(0.99, 'rnn_stream_batch_messages'), 'p99'),
          t('C', `sum(${rate('rnn_stream_batch_messages_sum')}) / sum(${rate('rnn_stream_batch_messages_count')})`, 'mean'),
        ],
      },
      {
        title: 'Fetch limit per partition',
        description: "Byte limit per partition of each instance's fetch requests: sized to pipeline.fetchWorkMs of model work at the measured cost per event, between kafka.fetchFloorBytesPerPartition and kafka.maxBytesPerPartition. Low means the model is slow (or the machine busy).",
        kind: 'timeseries',
        unit: 'bytes',
        targets: [t('A', `max by (instance) (rnn_stream_fetch_partition_limit_bytes{${sel}})`, '{{instance}}')],
      },
      {
        title: 'Busy and back-pressure time',
        description: 'Share of wall time with at least one batch in the pipeline (busy), and with every batch slot taken so the consumer waits (back-pressure).',
        kind: 'timeseries',
        unit: 'percentunit',
        targets: [
          t('A', `avg(${rate('rnn_stream_busy_seconds_total')})`, 'busy'),
          t('B', `avg(${rate('rnn_stream_backpressure_seconds_total')})`, 'back-pressure'),
        ],
      },
      {
        title: 'Batches by status',
        description: 'Input batches per second by what became of them; failed batches are fetched again.',
        kind: 'timeseries',
        unit: 'ops',
        targets: [t('A', `sum by (status) (${rate('rnn_stream_batches_total')})`, '{{status}}')],
      },
      {
        title: 'Commits, rebalances and produce errors',
        description: 'Offset commits per second, and rebalances and failed produce requests in the window.',
        kind: 'timeseries',
        unit: 'short',
        targets: [
          t('A', `sum(${rate('rnn_stream_offset_commits_total')})`, 'commits/s'),
          t('B', `sum(increase(rnn_stream_rebalances_total{${sel}}[$__rate_interval]))`, 'rebalances'),
          t('C', `sum(increase(rnn_stream_produce_errors_total{${sel}}[$__rate_interval]))`, 'produce errors'),
        ],
      },
    ],
  },
  {
    title: 'Dead letters',
    panels: [
      {
        title: 'Dead letters by reason',
        description: 'Rejected input events per second by reason (every reason has a series from the start).',
        kind: 'timeseries',
        unit: 'ops',
        targets: [t('A', `sum by (reason) (${rate('rnn_stream_rejected_events_total')})`, '{{reason}}')],
      },
      {
        title: 'Dead-letter share',
        description: 'Messages written to the dead-letter topic, as a share of the input.',
        kind: 'timeseries',
        unit: 'percentunit',
        targets: [t('A', `sum(${rate('rnn_stream_dead_letters_total')}) / clamp_min(sum(${rate('rnn_stream_events_total')}), 1e-9)`, 'dead letters')],
      },
    ],
  },
  {
    title: 'Live quality',
    panels: [
      {
        title: 'Live skill vs baseline',
        description: 'Rolling skill per model version: 1 - model error / naive baseline error on the primary measure (above 0: the model beats its baseline). Instances combined, weighted by what each scored.',
        kind: 'timeseries',
        unit: 'percentunit',
        targets: [
          t(
            'A',
            `sum by (model, version) (rnn_stream_live_skill_ratio{${sel}} * on (instance, model, version) ${rate('rnn_stream_live_scored_total')}) / sum by (model, version) (${rate('rnn_stream_live_scored_total')})`,
            '{{model}}@{{version}}',
          ),
        ],
      },
      {
        title: 'Live error on the primary measure',
        description: 'Rolling error of the model and of its baseline on the primary measure (MSE, QLIKE for variance forecasts, miss rate for classes), mean over instances.',
        kind: 'timeseries',
        unit: 'none',
        targets: [
          t(
            'A',
            `avg by (model, version, predictor) (rnn_stream_live_error{${sel}} * on (instance, model, version, measure) group_left rnn_stream_live_baseline_info{${sel}}) or avg by (model, version, predictor) (1 - rnn_stream_live_hit_ratio{${sel}})`,
            '{{predictor}} {{version}}',
          ),
        ],
      },
      {
        title: 'Scored predictions',
        description: 'Predictions scored per second against their key\'s next tick, per model version.',
        kind: 'timeseries',
        unit: 'ops',
        targets: [t('A', `sum by (model, version) (${rate('rnn_stream_live_scored_total')})`, '{{model}}@{{version}}')],
      },
      {
        title: 'Drift statistic',
        description: 'Page-Hinkley statistic of the model\'s loss, in multiples of its reference loss; a detection fires above quality.drift.threshold (default 200).',
        kind: 'timeseries',
        unit: 'none',
        targets: [t('A', `max by (model, version) (rnn_stream_live_drift_statistic{${sel}})`, '{{model}}@{{version}}')],
      },
      {
        title: 'Drift detections and command runs',
        description: 'Drifts detected per model version, and the drift command\'s runs by outcome, in the rate window.',
        kind: 'timeseries',
        unit: 'none',
        targets: [
          t('A', `sum by (model, version) (increase(rnn_stream_live_drift_detections_total{${sel}}[$__rate_interval]))`, 'detections {{version}}'),
          t('B', `sum by (outcome) (increase(rnn_stream_drift_command_runs_total{${sel}}[$__rate_interval]))`, 'command {{outcome}}'),
        ],
      },
      {
        title: 'Live baseline',
        description: 'The naive baseline each model version is weighed against, its primary measure and target.',
        kind: 'table',
        unit: 'none',
        targets: [t('A', `max by (model, version, baseline, measure, target) (rnn_stream_live_baseline_info{${sel}})`, '{{baseline}}')],
      },
    ],
  },
  {
    title: 'Model and build',
    panels: [
      {
        title: 'Model in use',
        description: 'Model id, version and cell kind per instance.',
        kind: 'table',
        unit: 'none',
        targets: [t('A', `max by (instance, model, version, cell) (rnn_stream_model_info{${sel}})`, '{{model}} {{version}}')],
      },
      {
        title: 'Build',
        description: 'rnn-stream and Node.js versions per instance.',
        kind: 'table',
        unit: 'none',
        targets: [t('A', `max by (instance, version, node_version) (rnn_stream_build_info{${sel}})`, '{{version}}')],
      },
      {
        title: 'Ready instances',
        description: 'Instances whose Kafka, Redis and partition assignment are all ready (as /readyz).',
        kind: 'stat',
        unit: 'none',
        targets: [t('A', `sum(rnn_stream_ready{${sel}})`, 'ready')],
      },
    ],
  },
  {
    title: 'Process',
    panels: [
      {
        title: 'CPU',
        description: 'CPU seconds per second, per instance (1 = one core).',
        kind: 'timeseries',
        unit: 'percentunit',
        targets: [t('A', `sum by (instance) (${rate('process_cpu_seconds_total')})`, '{{instance}}')],
      },
      {
        title: 'Memory',
        description: 'Resident set size and V8 heap in use, per instance.',
        kind: 'timeseries',
        unit: 'bytes',
        targets: [
          t('A', `sum by (instance) (process_resident_memory_bytes{${sel}})`, 'rss {{instance}}'),
          t('B', `sum by (instance) (nodejs_heap_size_used_bytes{${sel}})`, 'heap {{instance}}'),
        ],
      },
      {
        title: 'Event-loop lag',
        description: 'Node.js event-loop delay, p99 and mean over the sampling window.',
        kind: 'timeseries',
        unit: 's',
        targets: [
          t('A', `max by (instance) (nodejs_eventloop_lag_p99_seconds{${sel}})`, 'p99 {{instance}}'),
          t('B', `max by (instance) (nodejs_eventloop_lag_mean_seconds{${sel}})`, 'mean {{instance}}'),
        ],
      },
    ],
  },
];
