import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ServiceConfig } from '../config/service-config.js';
import { tlsOptions } from '../config/tls-options.js';
import { createRedisClient } from '../state/create-redis-client.js';

/** A Redis client on the `redis` connection for the live model status (service/live-status.ts). */
export function openStatusClient(config: Pick<ServiceConfig, 'redis'>, logger?: Logger): Redis {
  const r = config.redis;
  const tls = tlsOptions(r.tls, 'redis.tls');
  return createRedisClient({
    url: r.url,
    username: r.username ?? undefined,
    password: r.password ?? undefined,
    tls: tls === false ? undefined : tls,
    connectTimeoutMs: r.connectTimeoutMs,
    commandTimeoutMs: r.commandTimeoutMs,
    clientName: 'rnn-stream-status',
    ...(logger ? { onError: (error: Error) => logger.warn({ err: error }, 'redis connection error (live status)') } : {}),
  });
}
