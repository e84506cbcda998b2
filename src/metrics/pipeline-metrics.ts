import { collectDefaultMetrics, Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { REJECT_REASONS, type RejectReason } from '../events/reject-reason.js';
import { BATCH_DURATION_BUCKETS, END_TO_END_LATENCY_BUCKETS, STATE_IO_BUCKETS } from './metric-buckets.js';

/** The state-store operations timed by rnn_stream_state_io_duration_seconds. */
export type StateIoOp = 'load' | 'apply' | 'mark_produced';

/** Identity of the running model, for rnn_stream_model_info. */
export interface ModelInfo {
  readonly model: string;
  readonly version: string;
  readonly cell: string;
}

/** Options of {@link createPipelineMetrics}. */
export interface PipelineMetricsOptions {
  /** Register prom-client's default process/Node.js metrics on the same registry (default true). */
  readonly defaultMetrics?: boolean;
  /** Prefix for the default metrics (default '': the standard `process_*`/`nodejs_*` names dashboards expect). */
  readonly defaultMetricsPrefix?: string;
}

/**
 * Every metric of the pipeline, created once on one registry. Label children are bound up
 * front, so reporting allocates nothing: count per batch with `inc(n)` where possible.
 */
export interface PipelineMetrics {
  readonly registry: Registry;
  /** rnn_stream_events_total by outcome; rejections go through {@link recordRejected}. */
  readonly events: { readonly applied: Counter.Internal; readonly skippedDuplicate: Counter.Internal };
  /** Counts `count` rejected events of `reason`: events_total{outcome="rejected"} and rejected_events_total{reason}. */
  recordRejected(reason: RejectReason, count?: number): void;
  /** rnn_stream_predictions_total: predictions produced to Kafka. */
  readonly predictions: Counter.Internal;
  /** rnn_stream_timestamp_regressions_total: events applied although their ts went back for their key. */
  readonly timestampRegressions: Counter.Internal;
  /** rnn_stream_dead_letters_total: messages written to the dead-letter topic. */
  readonly deadLetters: Counter.Internal;
  /** rnn_stream_wrong_partition_events_total: valid events whose key belongs to another partition under events.partitioner. */
  readonly wrongPartition: Counter.Internal;
  /** rnn_stream_batch_duration_seconds: one input batch, from receipt to commit. */
  readonly batchDuration: Histogram.Internal<string>;
  /** rnn_stream_state_io_duration_seconds by op. */
  readonly stateIo: Readonly<Record<StateIoOp, Histogram.Internal<string>>>;
  /** rnn_stream_end_to_end_latency_seconds: event ts to its prediction produced. */
  readonly endToEndLatency: Histogram.Internal<string>;
  /** rnn_stream_active_keys: keys whose state this worker holds. */
  readonly activeKeys: Gauge;
  /** rnn_stream_batches_in_flight: batches fetched and not yet committed. */
  readonly batchesInFlight: Gauge;
  /** Sets rnn_stream_consumer_lag_messages for one assigned partition. */
  setConsumerLag(topic: string, partition: number, lag: number): void;
  /** Drops the lag series of a partition this worker no longer owns. */
  removeConsumerLag(topic: string, partition: number): void;
  /** Sets rnn_stream_model_info to 1 for `info`, removing the series of any previous model. */
  setModelInfo(info: ModelInfo): void;
}

/** Creates the pipeline's metrics on `registry` (never the global one). Call once per registry. */
export function createPipelineMetrics(registry: Registry, options: PipelineMetricsOptions = {}): PipelineMetrics {
  const registers = [registry];
  const events = new Counter({
    name: 'rnn_stream_events_total',
    help: 'Input events by outcome: applied to state, rejected (dead-lettered), or skipped as already applied.',
    labelNames: ['outcome'] as const,
    registers,
  });
  const rejected = new Counter({
    name: 'rnn_stream_rejected_events_total',
    help: 'Rejected input events by reason.',
    labelNames: ['reason'] as const,
    registers,
  });
  const counter = (name: string, help: string): Counter.Internal => new Counter({ name, help, registers }).labels({});
  const histogram = (name: string, help: string, buckets: readonly number[]): Histogram.Internal<string> =>
    new Histogram({ name, help, buckets: [...buckets], registers }).labels({});
  const stateIo = new Histogram({
    name: 'rnn_stream_state_io_duration_seconds',
    help: 'Duration of state store calls by operation.',
    labelNames: ['op'] as const,
    buckets: [...STATE_IO_BUCKETS],
    registers,
  });
  const lag = new Gauge({
    name: 'rnn_stream_consumer_lag_messages',
    help: 'Messages between the last consumed offset and the high watermark, per assigned input partition.',
    labelNames: ['topic', 'partition'] as const,
    registers,
  });
  const modelInfo = new Gauge({
    name: 'rnn_stream_model_info',
    help: 'The model in use (value 1): its id, version and cell kind.',
    labelNames: ['model', 'version', 'cell'] as const,
    registers,
  });

  const eventsRejected = events.labels('rejected');
  const byReason = {} as Record<RejectReason, Counter.Internal>;
  for (const reason of REJECT_REASONS) byReason[reason] = rejected.labels(reason);
  const applied = events.labels('applied');
  const skippedDuplicate = events.labels('skipped_duplicate');
  for (const child of [applied, skippedDuplicate, eventsRejected]) child.inc(0);
  for (const op of ['load', 'apply', 'mark_produced'] as const) stateIo.zero({ op });

  if (options.defaultMetrics ?? true) {
    collectDefaultMetrics({ register: registry, prefix: options.defaultMetricsPrefix ?? '' });
  }

  return {
    registry,
    events: { applied, skippedDuplicate },
    recordRejected(reason, count = 1) {
      eventsRejected.inc(count);
      byReason[reason].inc(count);
    },
    predictions: counter('rnn_stream_predictions_total', 'Predictions produced to the output topic.'),
    timestampRegressions: counter(
      'rnn_stream_timestamp_regressions_total',
      'Events whose timestamp was before the previous event of their key (applied in offset order anyway).',
    ),
    deadLetters: counter('rnn_stream_dead_letters_total', 'Messages written to the dead-letter topic.'),
    wrongPartition: counter(
      'rnn_stream_wrong_partition_events_total',
      'Events whose key belongs to another input partition under events.partitioner (dead-lettered, or applied under wrongPartitionPolicy count).',
    ),
    batchDuration: histogram('rnn_stream_batch_duration_seconds', 'Time to process one input batch, receipt to commit.', BATCH_DURATION_BUCKETS),
    stateIo: { load: stateIo.labels('load'), apply: stateIo.labels('apply'), mark_produced: stateIo.labels('mark_produced') },
    endToEndLatency: histogram(
      'rnn_stream_end_to_end_latency_seconds',
      'Time from an event timestamp to its prediction being produced.',
      END_TO_END_LATENCY_BUCKETS,
    ),
    activeKeys: new Gauge({ name: 'rnn_stream_active_keys', help: 'Keys whose state this worker holds in memory.', registers }),
    batchesInFlight: new Gauge({
      name: 'rnn_stream_batches_in_flight',
      help: 'Input batches fetched and not yet committed.',
      registers,
    }),
    setConsumerLag(topic, partition, value) {
      lag.labels(topic, String(partition)).set(value);
    },
    removeConsumerLag(topic, partition) {
      lag.remove(topic, String(partition));
    },
    setModelInfo(info) {
      modelInfo.reset();
      modelInfo.labels(info.model, info.version, info.cell).set(1);
    },
  };
}
