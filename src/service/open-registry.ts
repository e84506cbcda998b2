import type { ServiceConfig } from '../config/service-config.js';
import { FilesystemRegistry } from '../registry/filesystem-registry.js';
import type { ModelRegistry } from '../registry/model-registry.js';
import { RedisRegistry } from '../registry/redis-registry.js';
import { createRedisClient } from '../state/create-redis-client.js';
import { redisConnection } from './open-state-store.js';

/** The model registry the configuration names (`registry` section; Redis through the `redis` connection). */
export function openRegistry(config: Pick<ServiceConfig, 'registry' | 'redis'>): ModelRegistry {
  if (config.registry.store === 'filesystem') return new FilesystemRegistry({ directory: config.registry.directory });
  const connect = () => createRedisClient({ ...redisConnection(config.redis), clientName: 'rnn-stream-registry' });
  return new RedisRegistry({ redis: connect(), subscriber: connect, keyPrefix: config.registry.keyPrefix, ownsClient: true });
}
