import type { Logger } from 'pino';
import type { ComponentStatus } from '../metrics/readiness.js';
import { serviceLogger } from './service-logger.js';
import { Registry } from 'prom-client';
import type { ServiceConfig } from '../config/service-config.js';
import { ConfigError, RnnStreamError } from '../errors/index.js';
import { createPipelineMetrics } from '../metrics/pipeline-metrics.js';
import { cachedReadiness } from '../metrics/cached-readiness.js';
import { startMetricsServer } from '../metrics/metrics-server.js';
import { loadModel } from '../model/load-model.js';
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
  const manifest = config.model.manifest;
  if (manifest === null) {
    throw new ConfigError('model.manifest is not set: `run` needs a model (config file, or RNN_STREAM_MODEL_MANIFEST)', { key: 'model.manifest' });
  }
  const logger = serviceLogger(config.logging.level, workerIndex);
  const loaded = await loadModel(manifest, {
    allowWeightsOutsideManifestDir: config.model.allowWeightsOutsideManifestDir,
    maxWeightsBytes: config.model.maxWeightsBytes,
  });
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
    await store.close();
    throw error;
  });
  logger.info({ url: server.url, model: loaded.manifest.name, version: loaded.version }, 'metrics server listening');
  try {
    if (!signals.signal.aborted) {
      pipeline = await startKafkaPipeline({ config, loaded, store, metrics, logger, quality });
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
      await pipeline?.stop();
    } finally {
      await stopPublishing();
      await Promise.allSettled([server.close(), store.close()]);
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
