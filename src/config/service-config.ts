/**
 * The one schema of the whole service configuration. Every key is required here: defaults live
 * in config/default.yaml (documented key by key), which every configuration is merged over.
 */
import { z } from 'zod';
import { kafkaConfigSchema } from './kafka-config.js';
import { outputConfigSchema } from './output-config.js';
import { redisConfigSchema } from './redis-config.js';

const eventsConfigSchema = z.strictObject({
  maxBytes: z.number().int().positive(),
  maxKeyLength: z.number().int().positive(),
  maxAbsValue: z.number().positive(),
  /** Milliseconds an event's ts may be ahead of the wall clock; later ones are dead-lettered (timestamp_out_of_range). */
  maxFutureSkewMs: z.number().int().min(0),
  /** What to do with an event whose timestamp is earlier than its key's previous one. */
  timestampPolicy: z.enum(['apply', 'reject']),
  /** How producers map keys to input partitions: murmur2 (Java, kafkajs), crc32 or consistent_random (librdkafka). */
  partitioner: z.enum(['murmur2', 'crc32', 'consistent_random']),
  /** An event whose key belongs to another partition: dead-letter it (wrong_partition), or apply and count it. */
  wrongPartitionPolicy: z.enum(['reject', 'count']),
});

const pipelineConfigSchema = z.strictObject({
  sliceMs: z.number().positive().max(1000),
  subBatchMs: z.number().positive(),
  maxSubBatchEvents: z.number().int().positive(),
  fetchWorkMs: z.number().min(0),
  /** at_least_once: write and publish each batch in the background while the partition's next batch is fetched and computed. */
  writeBehind: z.boolean(),
});

/** Live scoring of each live model's predictions (quality/). */
export const qualityConfigSchema = z.strictObject({
  enabled: z.boolean(),
  /** Half-life of the rolling means, in scored events. */
  halfLifeEvents: z.number().positive().max(1e9),
  drift: z.strictObject({
    /** Page-Hinkley: tolerated rise of the mean loss, in units of the reference loss. */
    delta: z.number().min(0),
    /** Page-Hinkley: detection threshold (lambda), in units of the reference loss. */
    threshold: z.number().positive(),
    /** Scored events since the last detection (and the warm-up, without a validation loss) before a detection may fire. */
    minEvents: z.number().int().min(1),
    /** Program and arguments run on a detection (no shell); empty: none. */
    command: z.array(z.string().min(1)).max(64),
    /** Milliseconds after a run during which further detections do not run the command. */
    cooldownMs: z.number().int().min(0),
    /** A run longer than this is killed (SIGTERM, then SIGKILL 5 s later). */
    timeoutMs: z.number().int().positive(),
  }),
  /** Milliseconds between writes of the live scores to Redis (run only; 0: never). */
  publishIntervalMs: z.number().int().min(0),
});

export const serviceConfigSchema = z
  .strictObject({
    kafka: kafkaConfigSchema,
    output: outputConfigSchema,
    redis: redisConfigSchema,
    model: z.strictObject({
      manifest: z.string().min(1).nullable(),
      /** Accept a weights path that is absolute or leaves the manifest's folder. */
      allowWeightsOutsideManifestDir: z.boolean(),
      /** Largest accepted weights file, bytes. */
      maxWeightsBytes: z.number().int().positive(),
      /** Serve the registry's champion and follow its promotions, rollbacks and shadows without a restart. */
      followRegistry: z.boolean(),
      /** Milliseconds between checks of the registry when a change notification was missed. */
      registryCheckMs: z.number().int().min(100),
      /** Input events kept per key to warm up a new model at a swap (0: none; states start fresh). */
      warmStartInputs: z.number().int().min(0).max(4096),
      /** Registry versions run beside the champion on live traffic, unpublished (added to the registry's shadow list). */
      shadows: z.array(z.string().regex(/^[0-9a-f]{4,64}$/, 'a registry version id or a unique prefix of 4+ hex digits')).max(8),
      /** Topic for shadow predictions; null: shadows publish nothing. */
      shadowTopic: z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, 'a Kafka topic name').nullable(),
    }),
    registry: z.strictObject({
      store: z.enum(['filesystem', 'redis']),
      directory: z.string().min(1),
      keyPrefix: z.string().min(1),
      promoteMargin: z.number().min(0).max(1),
    }),
    events: eventsConfigSchema,
    pipeline: pipelineConfigSchema,
    metrics: z.strictObject({
      host: z.string().min(1),
      port: z.number().int().min(0).max(65535),
      /** How often the consumer lag gauge is refreshed from the broker's offsets. */
      lagRefreshMs: z.number().int().min(100),
      /** Open connections accepted at once; more are closed on accept. */
      maxConnections: z.number().int().positive(),
      /** Milliseconds a /readyz answer is reused before the checks run again. */
      readinessCacheMs: z.number().int().min(0),
    }),
    quality: qualityConfigSchema,
    shutdown: z.strictObject({ gracefulTimeoutMs: z.number().int().positive() }),
    logging: z.strictObject({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) }),
  })
  .refine((c) => c.output.guarantee !== 'exactly_once' || (c.kafka.producer.idempotent && c.kafka.producer.acks === -1), {
    message: 'exactly_once needs an idempotent producer with acks -1 (Kafka transactions require both)',
    path: ['output', 'guarantee'],
  });

/** The validated, frozen configuration of the service. */
export type ServiceConfig = z.infer<typeof serviceConfigSchema>;
/** The `registry` section: where model versions live and when retrain promotes. */
export type RegistryConfig = ServiceConfig['registry'];
/** The `events` section: decode limits and the timestamp-regression policy. */
export type EventsConfig = ServiceConfig['events'];
/** The `pipeline` section: model-work slices and sub-batch sizes (stream/work-budget.ts). */
export type PipelineConfig = ServiceConfig['pipeline'];
/** The `metrics` section: where /metrics, /healthz and /readyz listen. */
export type MetricsConfig = ServiceConfig['metrics'];
/** The `quality` section: live scoring, the drift detector and its command. */
export type QualityConfig = ServiceConfig['quality'];
/** The `shutdown` section. */
export type ShutdownConfig = ServiceConfig['shutdown'];
/** The `logging` section. */
export type LoggingConfig = ServiceConfig['logging'];
