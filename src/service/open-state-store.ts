import type { RedisConfig } from '../config/redis-config.js';
import { tlsOptions } from '../config/tls-options.js';
import { RedisStateStore } from '../state/redis-state-store.js';

/** A RedisStateStore from the `redis` configuration section (the store owns its client). */
export function openStateStore(redis: RedisConfig): RedisStateStore {
  const tls = tlsOptions(redis.tls, 'redis.tls');
  return new RedisStateStore({
    keyPrefix: redis.keyPrefix,
    connection: {
      url: redis.url,
      username: redis.username ?? undefined,
      password: redis.password ?? undefined,
      tls: tls === false ? undefined : tls,
      connectTimeoutMs: redis.connectTimeoutMs,
      commandTimeoutMs: redis.commandTimeoutMs,
    },
  });
}
