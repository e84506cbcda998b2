import type { RedisConfig } from '../config/redis-config.js';
import { tlsOptions } from '../config/tls-options.js';
import type { RedisTopologyOptions } from '../state/create-redis-connection.js';
import { RedisStateStore } from '../state/redis-state-store.js';

/**
 * A RedisStateStore from the `redis` configuration section (the store owns its client).
 * Connection errors go to `onError` (default: dropped here, since every command that needs the
 * connection fails with the same cause and is reported by its caller; without a listener ioredis
 * would print each one with a raw stack trace).
 */
export function openStateStore(redis: RedisConfig, onError: (error: Error) => void = () => undefined): RedisStateStore {
  return new RedisStateStore({ keyPrefix: redis.keyPrefix, connection: redisConnection(redis, onError) });
}

/** The connection options of the `redis` section (the state store's, and other clients of the same Redis or Cluster). */
export function redisConnection(redis: RedisConfig, onError: (error: Error) => void = () => undefined): RedisTopologyOptions {
  const tls = tlsOptions(redis.tls, 'redis.tls');
  return {
    url: redis.url,
    mode: redis.mode,
    clusterNodes: redis.clusterNodes,
    username: redis.username ?? undefined,
    password: redis.password ?? undefined,
    tls: tls === false ? undefined : tls,
    connectTimeoutMs: redis.connectTimeoutMs,
    commandTimeoutMs: redis.commandTimeoutMs,
    onError,
  };
}
