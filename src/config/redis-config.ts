/** The `redis` section of the service configuration; defaults in config/default.yaml. */
import { z } from 'zod';
import { tlsFilesSchema } from './kafka-config.js';

export const redisConfigSchema = z.strictObject({
  url: z.string().regex(/^rediss?:\/\/[^\s]+$/, 'must be a redis:// or rediss:// URL'),
  /** standalone: one Redis at `url`; cluster: Redis Cluster, `url` and `clusterNodes` are seed nodes. */
  mode: z.enum(['standalone', 'cluster']),
  /** More seed nodes (host:port) of a Redis Cluster; the scheme, user, password and TLS of `url` apply to all. */
  clusterNodes: z.array(z.string().regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'must be host:port')),
  /** Prefix of every key; braces are reserved for the per-partition Cluster hash tag. */
  keyPrefix: z.string().regex(/^[A-Za-z0-9:_.-]{1,100}$/, 'must be 1-100 characters of letters, digits, ":", "_", "." or "-"'),
  tls: z.union([z.boolean(), tlsFilesSchema], {
    error: 'must be true, false, or an object with ca, cert, key, rejectUnauthorized, servername',
  }),
  username: z.string().min(1).nullable(),
  password: z.string().min(1).nullable(),
  connectTimeoutMs: z.number().int().positive(),
  /** A command without a reply after this long fails (retriable), so a silent network partition cannot hang a batch. */
  commandTimeoutMs: z.number().int().positive(),
  /** No stored state for a partition the consumer group consumed before: rebuild it from the log start, or stop. */
  lostStatePolicy: z.enum(['replay', 'refuse']),
});

/** The validated `redis` section. */
export type RedisConfig = z.infer<typeof redisConfigSchema>;
