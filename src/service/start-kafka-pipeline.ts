import type { Admin, Consumer, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { Subscription } from 'rxjs';
import type { ServiceConfig } from '../config/service-config.js';
import { RnnStreamError } from '../errors/index.js';
import type { PipelineMetrics } from '../metrics/pipeline-metrics.js';
import type { ComponentStatus } from '../metrics/readiness.js';
import type { LoadedModel } from '../model/load-model.js';
import type { StateStore } from '../state/state-store.js';
import { ModelRuntime } from '../runtime/model-runtime.js';
import { LiveModels } from '../runtime/live-models.js';
import type { LiveQuality } from '../quality/live-quality.js';
import { PartitionTable } from '../stream/partition-table.js';
import { decodeOptionsForModel } from '../events/decode-options-for-model.js';
import { streamPipeline } from '../stream/stream-pipeline.js';
import { checkPartitionCount } from '../kafka/check-partition-count.js';
import { consumerOptions, producerOptions } from '../kafka/client-options.js';
import { createKafka } from '../kafka/create-kafka.js';
import type { KafkaClient, OutputTransactionsClient } from '../kafka/kafka-client.js';
import { createKafkajsClient } from '../kafka/kafkajs-client.js';
import { ensureTopics, topicPartitionCount } from '../kafka/ensure-topics.js';
import { KafkajsAdmin } from '../kafka/kafkajs-admin.js';
import { FetchSizer } from '../kafka/fetch-sizer.js';
import { isRetriable, kafkaBatchSource } from '../kafka/kafka-batch-source.js';
import { OffsetCommitter } from '../kafka/offset-committer.js';
import { KafkaRecordSink } from '../kafka/kafka-record-sink.js';
import { fetchPartitionOffsets } from '../kafka/fetch-partition-offsets.js';
import { isRebalanceError } from '../kafka/kafka-log-level.js';
import { stateResetCounter } from '../metrics/state-reset-counter.js';
import { createLiveModelMetrics } from '../metrics/live-model-metrics.js';
import { kafkaLogPositions } from '../kafka/kafka-log-positions.js';
import { partitionOfKey } from '../kafka/key-partitioner.js';
import { WorkBudget } from '../stream/work-budget.js';
import { BackgroundWrites } from '../stream/background-writes.js';

/** What {@link startKafkaPipeline} needs; the caller owns (and closes) the store. */
export interface KafkaPipelineOptions {
  readonly config: Pick<ServiceConfig, 'kafka' | 'events' | 'metrics' | 'pipeline' | 'output'> & {
    readonly redis: Pick<ServiceConfig['redis'], 'lostStatePolicy'>;
    readonly model?: Pick<ServiceConfig['model'], 'warmStartInputs' | 'shadowTopic'>;
  };
  /** The live models (champion, shadows) the pipeline runs; a caller that follows the registry replaces them. */
  readonly models?: LiveModels;
  /** Or one fixed model (run with model.warmStartInputs recent inputs per key). */
  readonly loaded?: LoadedModel;
  /** Live scoring of each batch's champion; absent: not scored. */
  readonly quality?: LiveQuality;
  readonly store: StateStore;
  readonly metrics: PipelineMetrics;
  readonly logger: Logger;
  /** Where exactly_once's output transactions come from (default: kafkajs on `config.kafka`). */
  readonly kafkaClient?: Pick<KafkaClient, 'outputTransactions'>;
}

/** A running pipeline. */
export interface KafkaPipeline {
  /** Resolves after {@link stop}; rejects with the first fatal error (then call stop()). */
  readonly done: Promise<void>;
  /** The input partitions assigned to this worker now. */
  assigned(): readonly number[];
  /** Components for /readyz: Kafka answers, the store answers, partitions are assigned. */
  readiness(): Promise<ComponentStatus[]>;
  /** Finishes the batches in hand, commits, leaves the group and disconnects. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Connects to Kafka, creates missing topics, refuses to run when the input topic's partition
 * count differs from the one the state was built with, and runs the stream pipeline from the
 * input topic to the output and dead-letter topics. Under `output.guarantee: exactly_once` the
 * output goes through transactions (one transactional producer per assigned input partition)
 * that also commit the consumer offsets; the consumer then commits nothing itself.
 */
export async function startKafkaPipeline(opts: KafkaPipelineOptions): Promise<KafkaPipeline> {
  const { kafka: k, events } = opts.config;
  const models = opts.models ?? fixedModel(opts);
  const log = opts.logger;
  const kafka = createKafka(k, log);
  const admin = kafka.admin();
  const producer = kafka.producer(producerOptions(k));
  const consumer = kafka.consumer(consumerOptions(k, k.groupId));
  const { output } = opts.config;
  const { metrics } = opts;
  const transactions: OutputTransactionsClient | undefined =
    output.guarantee === 'exactly_once'
      ? (opts.kafkaClient ?? createKafkajsClient(k, log)).outputTransactions({
          groupId: k.groupId,
          transactionalIdPrefix: output.transactionalIdPrefix ?? k.groupId,
          transactionTimeoutMs: output.transactionTimeoutMs,
          onTransaction: (result) => metrics.outputTransactions[result].inc(),
          onProduceError: () => metrics.produceErrors.inc(),
        })
      : undefined;
  await admin.connect();
  let partitionCount: number;
  try {
    const spec = { numPartitions: k.topics.partitions, replicationFactor: k.topics.replicationFactor };
    const shadowTopic = opts.config.model?.shadowTopic ?? null;
    const topics = [k.inputTopic, k.outputTopic, k.deadLetterTopic, ...(shadowTopic === null ? [] : [shadowTopic])];
    await ensureTopics(new KafkajsAdmin(admin), topics.map((topic) => ({ topic, ...spec })), k.topics.create);
    partitionCount = await topicPartitionCount(new KafkajsAdmin(admin), k.inputTopic);
    await checkPartitionCount(opts.store, k.inputTopic, partitionCount);
    await producer.connect();
    await consumer.connect();
    await transactions?.connect();
  } catch (error) {
    await disconnectAll(admin, producer, consumer, transactions);
    throw error;
  }
  log.info({ guarantee: output.guarantee }, 'output guarantee');

  const table = new PartitionTable();
  const liveMetrics = createLiveModelMetrics(metrics.registry);
  const showChampion = (): void => {
    const loaded = models.current().champion.loaded;
    metrics.setModelInfo({ model: loaded.manifest.name, version: loaded.version, cell: loaded.manifest.cell });
    liveMetrics.show(models.current());
  };
  showChampion();
  models.onChange(showChampion);
  // Scoring is set up (and its on/off reason logged) before the first batch; a swapped-in champion's at its first batch.
  opts.quality?.scorerFor(models.current().champion.loaded);
  opts.quality?.follow(models);
  let assigned: readonly number[] = [];
  let fail!: (error: Error) => void;
  let finish!: () => void;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  // Callers get the error through `done`; this only keeps a rejection that arrives after they
  // stopped waiting (during stop()) from being reported as unhandled and killing the process.
  done.catch(() => undefined);

  const onAssignment = (partitions: readonly number[]): void => {
    // A new generation: any partition may have had another owner meanwhile; reload on next batch.
    table.dropAll();
    metrics.activeKeys.set(0);
    metrics.rebalances.inc();
    metrics.consumerLag.assign(k.inputTopic, partitions);
    assigned = [...partitions].sort((a, b) => a - b);
    log.info({ topic: k.inputTopic, partitions: assigned }, 'partitions assigned');
    if (transactions) {
      // The transactional producers of partitions that moved away: their next owner fences them anyway.
      const gone = transactions.held().filter((ref) => !partitions.includes(ref.partition));
      void transactions.release(gone);
    }
    refreshLag();
    // Checked before any batch of the new generation is applied: a partition beyond the count the
    // state was built with means keys moved (the admin re-check below catches a lower count).
    const beyond = assigned.filter((p) => p >= partitionCount);
    if (beyond.length > 0) {
      table.refuse(beyond);
      fail(new RnnStreamError(`input topic ${k.inputTopic} has partition(s) ${beyond.join(', ')} beyond the ${partitionCount} the state was built with; refusing to go on (see docs/pipeline.md)`));
    }
    topicPartitionCount(new KafkajsAdmin(admin), k.inputTopic).then(
      (count) => {
        if (count !== partitionCount) {
          fail(new RnnStreamError(`input topic ${k.inputTopic} went from ${partitionCount} to ${count} partitions while running; refusing to go on (see docs/pipeline.md)`));
        }
      },
      (error: unknown) => log.warn({ err: error }, 'cannot re-check the input partition count after a rebalance'),
    );
  };

  // The lag gauge from the broker's offsets, from assignment on and while no batch commits
  // (a stall, a cold start); applied batches update it in between.
  let lagRefresh: Promise<void> | undefined;
  const refreshLag = (): void => {
    lagRefresh ??= fetchPartitionOffsets(admin, k.groupId, k.inputTopic)
      .then(
        (offsets) => metrics.consumerLag.brokerOffsets(k.inputTopic, offsets),
        (error: unknown) => log.warn({ err: error }, 'cannot fetch input offsets for the lag gauge; trying again later'),
      )
      .finally(() => (lagRefresh = undefined));
  };
  const lagTimer = setInterval(refreshLag, opts.config.metrics.lagRefreshMs);
  lagTimer.unref();
  const removeCommitListener = consumer.on(consumer.events.COMMIT_OFFSETS, () => metrics.offsetCommits.inc());
  // at_least_once: offsets committed every kafka.commitIntervalMs, not after each batch.
  const committer =
    transactions === undefined && k.commitIntervalMs > 0
      ? new OffsetCommitter({
          intervalMs: k.commitIntervalMs,
          commit: (offsets) => consumer.commitOffsets(offsets.map((o) => ({ topic: k.inputTopic, partition: o.partition, offset: o.offset }))),
          onError: (error) =>
            log[isRebalanceError(error) ? 'info' : 'warn']({ topic: k.inputTopic, err: error }, 'cannot commit input offsets; they are committed with the next ones'),
        })
      : undefined;

  // at_least_once with pipeline.writeBehind: batches are written and published in the background.
  // Only with the committer: without it kafkajs would commit each batch's offset when it settles,
  // before its write (a restart would then take a young partition's unwritten state for lost state).
  const background = committer !== undefined && opts.config.pipeline.writeBehind ? new BackgroundWrites() : undefined;
  const budget = new WorkBudget(opts.config.pipeline);
  metrics.fetchPartitionLimit.set(k.maxBytesPerPartition);
  const subscription: Subscription = kafkaBatchSource({
    consumer,
    topic: k.inputTopic,
    fromBeginning: k.fromBeginning,
    partitionsConsumedConcurrently: k.partitionsConsumedConcurrently,
    lingerMs: k.lingerMs,
    onAssignment,
    autoCommit: transactions === undefined,
    fetchSizer: new FetchSizer({ eventsPerFetch: () => budget.eventsPerFetch(), floorBytes: k.fetchFloorBytesPerPartition, ceilingBytes: k.maxBytesPerPartition }),
    maxBytes: k.maxBytes,
    onFetchLimit: (bytes) => metrics.fetchPartitionLimit.set(bytes),
    committer,
  })
    .pipe(
      streamPipeline({
        models,
        quality: opts.quality,
        store: opts.store,
        sink: new KafkaRecordSink(producer, { acks: k.producer.acks, compression: k.producer.compression, onError: () => metrics.produceErrors.inc() }),
        table,
        metrics,
        outputTopic: k.outputTopic,
        outputHeaders: k.outputHeaders,
        shadowTopic: opts.config.model?.shadowTopic ?? null,
        onShadowProduced: liveMetrics.shadowProduced,
        onShadowError: liveMetrics.shadowError,
        deadLetterTopic: k.deadLetterTopic,
        decode: decodeOptionsForModel(models.current().champion.loaded.manifest, events),
        timestampPolicy: events.timestampPolicy,
        maxBatchesInFlight: k.maxBatchesInFlight,
        now: Date.now,
        maxFutureSkewMs: events.maxFutureSkewMs,
        budget,
        onStateReset: stateResetCounter(metrics.registry),
        onWarmStart: liveMetrics.warmStart,
        logger: log,
        logPositions: kafkaLogPositions(new KafkajsAdmin(admin), k.groupId),
        lostStatePolicy: opts.config.redis.lostStatePolicy,
        partitionCheck: {
          policy: events.wrongPartitionPolicy,
          partitioner: events.partitioner,
          partitionCount,
          expected: (key) => partitionOfKey(events.partitioner, key, partitionCount),
        },
        transactions,
        background,
      }),
    )
    .subscribe({
      next: (o) => {
        if (o.status === 'failed') {
          const level = isRebalanceError(o.error) ? 'info' : isRetriable(o.error) ? 'warn' : 'error';
          log[level]({ topic: o.topic, partition: o.partition, err: o.error }, 'batch failed; it will be fetched again');
        }
      },
      error: (error: unknown) => fail(error instanceof Error ? error : new Error(String(error))),
    });

  let stopping: Promise<void> | undefined;
  return {
    done,
    assigned: () => assigned,
    async readiness() {
      const kafkaUp = await admin.describeCluster().then(
        (c) => ({ name: 'kafka', ready: c.brokers.length > 0, detail: `${c.brokers.length} broker(s)` }),
        (e: unknown) => ({ name: 'kafka', ready: false, detail: String(e) }),
      );
      const ping = (opts.store as { ping?: () => Promise<void> }).ping;
      const storeUp = ping
        ? await ping.call(opts.store).then(
            () => ({ name: 'redis', ready: true }),
            (e: unknown) => ({ name: 'redis', ready: false, detail: String(e) }),
          )
        : { name: 'redis', ready: true, detail: 'store has no ping' };
      const parts = { name: 'partitions', ready: assigned.length > 0, detail: `assigned: [${assigned.join(', ')}]` };
      return [kafkaUp, storeUp, parts];
    },
    stop() {
      stopping ??= (async () => {
        clearInterval(lagTimer);
        // What was handled is committed before the consumer leaves; batches in hand commit as they
        // finish. Background writes in flight are finished first and their offsets committed.
        await committer?.stop();
        if (background) {
          await background.drain();
          await committer?.flush();
        }
        await consumer.stop();
        removeCommitListener();
        await lagRefresh;
        subscription.unsubscribe();
        await disconnectAll(admin, producer, consumer, transactions);
        finish();
      })();
      return stopping;
    },
  };
}

function fixedModel(opts: KafkaPipelineOptions): LiveModels {
  if (!opts.loaded) throw new RnnStreamError('startKafkaPipeline needs `models` or `loaded`');
  return new LiveModels(new ModelRuntime(opts.loaded, { recentInputs: opts.config.model?.warmStartInputs ?? 0 }));
}

async function disconnectAll(admin: Admin, producer: Producer, consumer: Consumer, transactions?: OutputTransactionsClient): Promise<void> {
  const results = await Promise.allSettled([consumer.disconnect(), producer.disconnect(), admin.disconnect(), transactions?.disconnect()]);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw new RnnStreamError('cannot disconnect from Kafka cleanly', { cause: failed.reason });
}
