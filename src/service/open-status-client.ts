import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ServiceConfig } from '../config/service-config.js';
import { createRedisClient } from '../state/create-redis-client.js';
import { redisConnection } from './open-state-store.js';

/** A Redis client on the `redis` connection for the live model status (service/live-status.ts). */
export function openStatusClient(config: Pick<ServiceConfig, 'redis'>, logger?: Logger): Redis {
  const onError = logger ? (error: Error) => logger.warn({ err: error }, 'redis connection error (live status)') : undefined;
  return createRedisClient({ ...redisConnection(config.redis, onError), clientName: 'rnn-stream-status' });
}
