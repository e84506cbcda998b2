/**
 * The `kafka` section of the service configuration: connection (brokers, TLS, SASL), the
 * consumer group and topics, fetch limits that bound memory, and the producer. Defaults and
 * their documentation: config/default.yaml.
 */
import { z } from 'zod';
import { PREDICTION_HEADER_MODES } from '../records/prediction-headers.js';

const positiveInt = z.number().int().positive();
const topicName = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,249}$/, 'must be 1-249 characters of letters, digits, ".", "_" or "-"');

/** TLS towards the brokers: `true` for the system CAs, or files (paths relative to the config file). */
export const tlsFilesSchema = z.strictObject({
  ca: z.string().min(1).optional(),
  cert: z.string().min(1).optional(),
  key: z.string().min(1).optional(),
  rejectUnauthorized: z.boolean().optional(),
  servername: z.string().min(1).optional(),
});

/** TLS files as given in the configuration (paths already resolved by loadConfig). */
export type TlsFiles = z.infer<typeof tlsFilesSchema>;

const saslSchema = z.strictObject({
  mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']),
  username: z.string().min(1),
  password: z.string().min(1),
});

const producerSchema = z
  .strictObject({
    /** -1: the leader waits for all in-sync replicas; 1: the leader only. */
    acks: z.union([z.literal(-1), z.literal(1)], { error: 'must be -1 (all in-sync replicas) or 1 (leader only)' }),
    idempotent: z.boolean(),
    compression: z.enum(['none', 'gzip']),
  })
  .refine((p) => !p.idempotent || p.acks === -1, {
    message: 'an idempotent producer needs acks -1',
    path: ['acks'],
  });

const topicsSchema = z.strictObject({
  create: z.boolean(),
  partitions: positiveInt,
  replicationFactor: positiveInt,
});

export const kafkaConfigSchema = z.strictObject({
  /** Null: `<hostname>-<pid>`, distinct per instance. */
  clientId: z.string().min(1).nullable(),
  brokers: z.array(z.string().regex(/^[^\s:/]+:\d{1,5}$/, 'must be host:port')).min(1),
  ssl: z.union([z.boolean(), tlsFilesSchema], {
    error: 'must be true, false, or an object with ca, cert, key, rejectUnauthorized, servername',
  }),
  sasl: saslSchema.nullable(),
  connectionTimeoutMs: positiveInt,
  requestTimeoutMs: positiveInt,
  groupId: z.string().min(1),
  inputTopic: topicName,
  outputTopic: topicName,
  deadLetterTopic: topicName,
  fromBeginning: z.boolean(),
  sessionTimeoutMs: positiveInt.min(6000),
  rebalanceTimeoutMs: positiveInt,
  heartbeatIntervalMs: positiveInt,
  partitionsConsumedConcurrently: positiveInt.max(1024),
  maxBatchesInFlight: positiveInt.max(1024),
  maxBytesPerPartition: positiveInt,
  fetchFloorBytesPerPartition: positiveInt,
  maxBytes: positiveInt,
  maxDecompressedBatchBytes: positiveInt.max(4_294_967_296),
  fetchMaxWaitMs: positiveInt,
  lingerMs: z.number().int().min(0).max(1000),
  commitIntervalMs: z.number().int().min(0).max(3_600_000),
  outputHeaders: z.enum(PREDICTION_HEADER_MODES),
  /** The consumer's retry back-off: it bounds how long recovery after a broker outage waits. */
  retry: z
    .strictObject({ initialRetryTimeMs: positiveInt, maxRetryTimeMs: positiveInt, retries: z.number().int().min(0) })
    .refine((r) => r.maxRetryTimeMs >= r.initialRetryTimeMs, { message: 'maxRetryTimeMs must be >= initialRetryTimeMs', path: ['maxRetryTimeMs'] }),
  topics: topicsSchema,
  producer: producerSchema,
});

/** The validated `kafka` section. */
export type KafkaConfig = z.infer<typeof kafkaConfigSchema>;

/** What create-kafka needs to connect: brokers, client id, TLS, SASL, timeouts. */
export type KafkaConnectionConfig = Pick<
  KafkaConfig,
  'clientId' | 'brokers' | 'ssl' | 'sasl' | 'connectionTimeoutMs' | 'requestTimeoutMs' | 'maxDecompressedBatchBytes'
>;
