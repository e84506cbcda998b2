import { collectDefaultMetrics, Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { PROJECT_VERSION } from '../config/project-version.js';
import { REJECT_REASONS, type RejectReason } from '../events/reject-reason.js';
import { SKIP_REASONS, type SkipReason } from '../events/skip-reason.js';
import { ActivityClock } from './activity-clock.js';
import { BucketHistogram } from './bucket-histogram.js';
import { ConsumerLag } from './consumer-lag.js';
import { createLiveQualityMetrics, type LiveQualityMetrics } from './live-quality-metrics.js';
import { BATCH_DURATION_BUCKETS, BATCH_MESSAGES_BUCKETS, END_TO_END_LATENCY_BUCKETS, MODEL_STEP_BUCKETS, STATE_IO_BUCKETS } from './metric-buckets.js';


/** The state-store operations timed by rnn_stream_state_io_duration_seconds. */
export type StateIoOp = 'load' | 'apply' | 'mark_produced';

/** What became of a batch, for rnn_stream_batches_total (the pipeline's BatchStatus). */
export type BatchStatusLabel = 'committed' | 'skipped' | 'fenced' | 'stale' | 'failed';
const BATCH_STATUSES: readonly BatchStatusLabel[] = ['committed', 'skipped', 'fenced', 'stale', 'failed'];

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
  /** Monotonic milliseconds for busy/back-pressure time (default performance.now; tests pass a fake). */
  readonly clock?: () => number;
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
  /** rnn_stream_skipped_record_batches_total{reason}: input record batches skipped unread (see events/skip-reason.ts). */
  recordSkippedBatch(reason: SkipReason): void;
  /** rnn_stream_predictions_total: predictions produced to Kafka. */
  readonly predictions: Counter.Internal;
  /** rnn_stream_timestamp_regressions_total: events applied although their ts went back for their key. */
  readonly timestampRegressions: Counter.Internal;
  /** rnn_stream_unknown_tokens_total: token events whose token is not in the vocabulary (applied as the unknown id). */
  readonly unknownTokens: Counter.Internal;
  /** rnn_stream_dead_letters_total: messages written to the dead-letter topic. */
  readonly deadLetters: Counter.Internal;
  /** rnn_stream_wrong_partition_events_total: valid events whose key belongs to another partition under events.partitioner. */
  readonly wrongPartition: Counter.Internal;
  /** rnn_stream_batch_duration_seconds: one input batch, from receipt to commit. */
  readonly batchDuration: Histogram.Internal<string>;
  /** rnn_stream_model_step_duration_seconds: model work (features and steps) of one batch. */
  readonly modelStep: Histogram.Internal<string>;
  /** rnn_stream_state_io_duration_seconds by op. */
  readonly stateIo: Readonly<Record<StateIoOp, Histogram.Internal<string>>>;
  /** rnn_stream_state_io_errors_total: batches failed by a state store error. */
  readonly stateIoErrors: Counter.Internal;
  /** rnn_stream_end_to_end_latency_seconds: event ts to its prediction produced (cheap per event). */
  readonly endToEndLatency: BucketHistogram;
  /** rnn_stream_active_keys: keys whose state this worker holds. */
  readonly activeKeys: Gauge;
  /** rnn_stream_batches_in_flight: batches fetched and not yet committed. */
  readonly batchesInFlight: Gauge;
  /** rnn_stream_fetch_partition_limit_bytes: the per-partition byte limit of fetch requests (kafka/fetch-sizer.ts). */
  readonly fetchPartitionLimit: Gauge;
  /** rnn_stream_rebalances_total: group (re)joins with a new assignment. */
  readonly rebalances: Counter.Internal;
  /** rnn_stream_produce_errors_total: produce requests (predictions, dead letters) that failed. */
  readonly produceErrors: Counter.Internal;
  /** rnn_stream_offset_commits_total: offset commits acknowledged by the group coordinator. */
  readonly offsetCommits: Counter.Internal;
  /** rnn_stream_output_transactions_total by result (output.guarantee exactly_once). */
  readonly outputTransactions: Readonly<Record<'committed' | 'aborted' | 'fenced', Counter.Internal>>;
  /** Per-partition consumer lag (rnn_stream_consumer_lag_messages). */
  readonly consumerLag: ConsumerLag;
  /** The live-quality series (rnn_stream_live_*), read from the scorers at each scrape. */
  readonly liveQuality: LiveQualityMetrics;
  /** Sets how many batches the pipeline works on at once (for back-pressure time). */
  setBatchSlots(slots: number): void;
  /** A batch of `messages` entered the pipeline: in-flight gauge, busy time, batch size. */
  batchStarted(messages: number): void;
  /** A batch left the pipeline with `status`. */
  batchSettled(status: BatchStatusLabel): void;
  /** Raises rnn_stream_last_event_timestamp_seconds to `epochMs` if it is newer. */
  recordEventTime(epochMs: number): void;
  /** Sets rnn_stream_model_info to 1 for `info`, removing the series of any previous model. */
  setModelInfo(info: ModelInfo): void;
  /** rnn_stream_ready is evaluated by `check` at each scrape (1 ready, 0 not); without it, 0. */
  setReadinessCheck(check: () => Promise<boolean>): void;
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
  const rejected = new Counter({ name: 'rnn_stream_rejected_events_total', help: 'Rejected input events by reason.', labelNames: ['reason'] as const, registers });
  const skippedBatches = new Counter({
    name: 'rnn_stream_skipped_record_batches_total',
    help: 'Input record batches skipped unread (no record to dead-letter), by reason: decompression_limit, unsupported_compression, corrupt_batch.',
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
    help: 'Messages between the applied position and the high watermark, per assigned input partition.',
    labelNames: ['topic', 'partition'] as const,
    registers,
  });
  const modelInfo = new Gauge({
    name: 'rnn_stream_model_info',
    help: 'The model in use (value 1): its id, version and cell kind.',
    labelNames: ['model', 'version', 'cell'] as const,
    registers,
  });
  new Gauge({ name: 'rnn_stream_build_info', help: 'The running build (value 1): rnn-stream and Node.js versions.', labelNames: ['version', 'node_version'] as const, registers })
    .labels(PROJECT_VERSION, process.versions.node)
    .set(1);
  const transactions = new Counter({
    name: 'rnn_stream_output_transactions_total',
    help: 'Output transactions (exactly_once) by how they ended: committed, aborted, fenced.',
    labelNames: ['result'] as const,
    registers,
  });
  const batches = new Counter({ name: 'rnn_stream_batches_total', help: 'Input batches by what became of them.', labelNames: ['status'] as const, registers });
  const lastEvent = new Gauge({ name: 'rnn_stream_last_event_timestamp_seconds', help: 'Timestamp of the newest applied event (epoch seconds).', registers });
  let readinessCheck: (() => Promise<boolean>) | undefined;
  // A scrape never waits for the network: it takes the check's answer if it is at hand (a cached
  // one settles within the same turn of the event loop), else the previous answer, and the check
  // finishes in the background so the next scrape has it. A busy instance's check (a Redis PING
  // behind a batch write, a Kafka request) would otherwise hold every /metrics answer up.
  let lastReady = 0;
  new Gauge({
    name: 'rnn_stream_ready',
    help: 'Whether the instance is ready, as /readyz answers (1 ready, 0 not).',
    registers,
    async collect() {
      if (!readinessCheck) return void this.set(0);
      const check = readinessCheck().then(Number, () => 0).then((ready) => (lastReady = ready));
      const atHand = new Promise<number>((resolve) => setImmediate(() => resolve(lastReady)));
      this.set(await Promise.race([check, atHand]));
    },
  });
  // Busy and back-pressure time are added at each change of state and flushed when read (each scrape).
  const flushed = (name: string, help: string): Counter.Internal =>
    new Counter({ name, help, registers, collect: () => activity.flush() }).labels({});
  const activity: ActivityClock = new ActivityClock(
    flushed('rnn_stream_busy_seconds_total', 'Wall time with at least one batch in the pipeline.'),
    flushed('rnn_stream_backpressure_seconds_total', 'Wall time with every batch slot taken (the consumer waits for the pipeline).'),
    options.clock,
  );

  const eventsRejected = events.labels('rejected');
  const byReason = {} as Record<RejectReason, Counter.Internal>;
  for (const reason of REJECT_REASONS) byReason[reason] = rejected.labels(reason);
  for (const reason of REJECT_REASONS) byReason[reason].inc(0);
  const applied = events.labels('applied');
  const skippedDuplicate = events.labels('skipped_duplicate');
  for (const child of [applied, skippedDuplicate, eventsRejected]) child.inc(0);
  const skippedByReason = {} as Record<SkipReason, Counter.Internal>;
  for (const reason of SKIP_REASONS) {
    skippedByReason[reason] = skippedBatches.labels(reason);
    skippedByReason[reason].inc(0);
  }
  for (const op of ['load', 'apply', 'mark_produced'] as const) stateIo.zero({ op });
  const byStatus = {} as Record<BatchStatusLabel, Counter.Internal>;
  for (const status of BATCH_STATUSES) (byStatus[status] = batches.labels(status)).inc(0);
  const batchesInFlight = new Gauge({ name: 'rnn_stream_batches_in_flight', help: 'Input batches fetched and not yet committed.', registers });
  const batchMessages = histogram('rnn_stream_batch_messages', 'Messages per input batch.', BATCH_MESSAGES_BUCKETS);
  let newestEventMs = -Infinity;

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
    recordSkippedBatch(reason) {
      skippedByReason[reason].inc();
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
    unknownTokens: counter('rnn_stream_unknown_tokens_total', "Token events whose token is not in the model's vocabulary (applied as its unknown id)."),
    batchDuration: histogram('rnn_stream_batch_duration_seconds', 'Time to process one input batch, receipt to commit.', BATCH_DURATION_BUCKETS),
    modelStep: histogram('rnn_stream_model_step_duration_seconds', 'Model work (features and one step per event) of one input batch.', MODEL_STEP_BUCKETS),
    stateIo: { load: stateIo.labels('load'), apply: stateIo.labels('apply'), mark_produced: stateIo.labels('mark_produced') },
    stateIoErrors: counter('rnn_stream_state_io_errors_total', 'Input batches failed by a state store (Redis) error.'),
    endToEndLatency: new BucketHistogram({
      name: 'rnn_stream_end_to_end_latency_seconds',
      help: 'Time from an event timestamp to its prediction being produced.',
      buckets: END_TO_END_LATENCY_BUCKETS,
      registers,
    }),
    activeKeys: new Gauge({ name: 'rnn_stream_active_keys', help: 'Keys whose state this worker holds in memory.', registers }),
    batchesInFlight,
    fetchPartitionLimit: new Gauge({
      name: 'rnn_stream_fetch_partition_limit_bytes',
      help: "Byte limit per partition of the consumer's fetch requests: sized to pipeline.fetchWorkMs of model work, between kafka.fetchFloorBytesPerPartition and kafka.maxBytesPerPartition.",
      registers,
    }),
    rebalances: counter('rnn_stream_rebalances_total', 'Consumer group (re)joins with a new partition assignment.'),
    produceErrors: counter('rnn_stream_produce_errors_total', 'Produce requests (predictions, dead letters) that failed.'),
    offsetCommits: counter('rnn_stream_offset_commits_total', 'Offset commits acknowledged by the group coordinator.'),
    outputTransactions: { committed: transactions.labels('committed'), aborted: transactions.labels('aborted'), fenced: transactions.labels('fenced') },
    consumerLag: new ConsumerLag(lag),
    liveQuality: createLiveQualityMetrics(registry),
    setBatchSlots(slots) {
      activity.setSlots(slots);
    },
    batchStarted(messages) {
      batchesInFlight.inc();
      activity.enter();
      batchMessages.observe(messages);
    },
    batchSettled(status) {
      batchesInFlight.dec();
      activity.leave();
      byStatus[status].inc();
    },
    recordEventTime(epochMs) {
      if (epochMs > newestEventMs) {
        newestEventMs = epochMs;
        lastEvent.set(epochMs / 1000);
      }
    },
    setModelInfo(info) {
      modelInfo.reset();
      modelInfo.labels(info.model, info.version, info.cell).set(1);
    },
    setReadinessCheck(check) {
      readinessCheck = check;
    },
  };
}
