import type { Logger } from 'pino';
import type { ComponentStatus } from '../metrics/readiness.js';
import { serviceLogger } from './service-logger.js';
import { Registry } from 'prom-client';
import type { ServiceConfig } from '../config/service-config.js';
import { RnnStreamError } from '../errors/index.js';
import { createPipelineMetrics } from '../metrics/pipeline-metrics.js';
import { cachedReadiness } from '../metrics/cached-readiness.js';
import { startMetricsServer } from '../metrics/metrics-server.js';
import { createLiveModelMetrics } from '../metrics/live-model-metrics.js';
import { followRegistry, type RegistryFollower } from './follow-registry.js';
import { openLiveModels } from './open-live-models.js';
import { publishLiveStatus } from './live-status.js';
import { openStatusClient } from './open-status-client.js';
import type { Redis } from 'ioredis';
import { LiveQuality } from '../quality/live-quality.js';
import { publishLiveScores } from '../quality/publish-live-scores.js';
import { createRedisConnection } from '../state/create-redis-connection.js';
import { RedisKeys } from '../state/redis-keys.js';
import { openStateStore, redisConnection } from './open-state-store.js';
import { startKafkaPipeline, type KafkaPipeline } from './start-kafka-pipeline.js';
import { stopOnSignals, type SignalStop } from './stop-on-signals.js';

/**
 * Runs the service until a signal (resolves after a graceful stop) or a fatal error (rejects
 * with it after stopping). Exits the process with code 1 when stopping exceeds the bound.
 * `workerIndex`: this process is worker i of `run --workers` (its log lines say so).
 */
export async function runService(config: ServiceConfig, signals: SignalStop = stopOnSignals(), workerIndex?: number): Promise<void> {
  const logger = serviceLogger(config.logging.level, workerIndex);
  const live = await openLiveModels(config, logger);
  const loaded = live.models.current().champion.loaded;
  const registry = new Registry();
  const metrics = createPipelineMetrics(registry);
  // Probes and the rnn_stream_ready gauge share one check per metrics.readinessCacheMs.
  const readiness = cachedReadiness(
    async (): Promise<ComponentStatus[]> => (pipeline ? pipeline.readiness() : [{ name: 'pipeline', ready: false, detail: 'starting' }]),
    config.metrics.readinessCacheMs,
  );
  metrics.setReadinessCheck(async () => (await readiness()).every((c) => c.ready));
  const quality = new LiveQuality({ config: config.quality, metrics, logger });
  const store = openStateStore(config.redis, (error) => logger.warn({ err: error }, 'redis connection error'));
  let pipeline: KafkaPipeline | undefined;
  let fatal: unknown;
  const stopPublishing = startScorePublishing(config, quality, logger);
  const server = await startMetricsServer({
    registry,
    host: config.metrics.host,
    port: config.metrics.port,
    maxConnections: config.metrics.maxConnections,
    readiness,
  }).catch(async (error: unknown) => {
    await stopPublishing();
    await Promise.allSettled([store.close(), live.registry?.close()]);
    throw error;
  });
  let follower: RegistryFollower | undefined;
  let statusClient: Redis | undefined;
  logger.info({ url: server.url, model: loaded.manifest.name, version: loaded.version }, 'metrics server listening');
  try {
    if (!signals.signal.aborted) {
      pipeline = await startKafkaPipeline({ config, models: live.models, store, metrics, logger, quality });
      if (live.registry) {
        const running = pipeline;
        statusClient = openStatusClient(config, logger);
        const publish = publishLiveStatus({
          redis: statusClient, keys: new RedisKeys(config.redis.keyPrefix), group: config.kafka.groupId, models: live.models, metricsUrl: server.url,
          assigned: () => running.assigned(), registryChampion: () => follower?.registryChampion() ?? null, ttlMs: 3 * config.model.registryCheckMs,
        });
        const publishStatus = (): void => void publish().then((error) => error && logger.warn({ err: error }, 'cannot publish the live model status to Redis'));
        live.models.onChange(publishStatus);
        follower = await followRegistry({
          registry: live.registry, models: live.models, checkMs: config.model.registryCheckMs, load: live.load, logger, metrics: createLiveModelMetrics(registry), onChecked: publishStatus,
        });
      }
      logger.info({ input: config.kafka.inputTopic, output: config.kafka.outputTopic, group: config.kafka.groupId }, 'pipeline running');
      const stopped = signals.signal.aborted
        ? Promise.resolve()
        : new Promise<void>((resolve) => signals.signal.addEventListener('abort', () => resolve(), { once: true }));
      await Promise.race([pipeline.done, stopped]);
    }
  } catch (error) {
    fatal = error;
    logger.error({ err: error }, 'pipeline failed; stopping');
  }
  logger.info({ signal: signals.received(), boundMs: config.shutdown.gracefulTimeoutMs }, 'stopping');
  await stopWithin(config.shutdown.gracefulTimeoutMs, logger, async () => {
    try {
      await follower?.stop();
      await pipeline?.stop();
    } finally {
      statusClient?.disconnect();
      await stopPublishing();
      await Promise.allSettled([server.close(), store.close(), live.registry?.close()]);
      signals.dispose();
    }
  });
  logger.info('stopped');
  if (fatal !== undefined) {
    throw fatal instanceof RnnStreamError ? fatal : new RnnStreamError('the pipeline stopped on an error', { cause: fatal });
  }
}

/** Publishes the live scores to Redis every quality.publishIntervalMs (0: never); returns the stop. */
function startScorePublishing(config: ServiceConfig, quality: LiveQuality, logger: Logger): () => Promise<void> {
  if (!config.quality.enabled || config.quality.publishIntervalMs === 0) return async () => undefined;
  const redis = createRedisConnection(redisConnection(config.redis, (error) => logger.warn({ err: error }, 'redis connection error (live scores)')));
  const stop = publishLiveScores({
    redis, keys: new RedisKeys(config.redis.keyPrefix), group: config.kafka.groupId, intervalMs: config.quality.publishIntervalMs,
    source: () => quality.scores(), halfLifeEvents: config.quality.halfLifeEvents, driftThreshold: config.quality.drift.threshold, logger,
  });
  return async () => {
    try {
      await stop();
    } finally {
      redis.disconnect();
    }
  };
}

/** Runs `stop`; if it takes longer than `boundMs`, logs an error and exits the process with code 1. */
async function stopWithin(boundMs: number, logger: Logger, stop: () => Promise<void>): Promise<void> {
  const timer = setTimeout(() => {
    logger.error({ boundMs }, 'graceful shutdown exceeded shutdown.gracefulTimeoutMs; exiting now');
    process.exit(1);
  }, boundMs);
  try {
    await stop();
  } finally {
    clearTimeout(timer);
  }
}
