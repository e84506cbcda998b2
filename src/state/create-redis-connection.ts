import { Cluster, type Redis } from 'ioredis';
import { ConfigError } from '../errors/config-error.js';
import { createRedisClient, redisOptionsFrom, type RedisConnectionOptions } from './create-redis-client.js';

/** How to reach Redis: one server, or a Redis Cluster through seed nodes. */
export interface RedisTopologyOptions extends RedisConnectionOptions {
  /** standalone (default): one server at `url`; cluster: Redis Cluster with `url` as a seed node. */
  readonly mode?: 'standalone' | 'cluster';
  /** More seed nodes, `host:port`; the scheme, user, password and TLS of `url` apply to every node. */
  readonly clusterNodes?: readonly string[];
}

/**
 * A standalone ioredis client, or an ioredis Cluster: it learns the slot map from a seed node,
 * sends each command to the master of its key's slot, follows MOVED (slot map refreshed) and ASK
 * (ASKING, during a slot migration) redirects, and retries TRYAGAIN (a multi-key command while
 * the slot's keys are split between two nodes) after `retryDelayOnTryAgain`. Reads go to masters.
 */
export function createRedisConnection(options: RedisTopologyOptions = {}): Redis | Cluster {
  if ((options.mode ?? 'standalone') === 'standalone') {
    if ((options.clusterNodes ?? []).length > 0) {
      throw new ConfigError('redis.clusterNodes is set but redis.mode is standalone: set redis.mode to cluster', { key: 'redis.clusterNodes' });
    }
    return createRedisClient(options);
  }
  const { host, port, ...redisOptions } = redisOptionsFrom(options);
  const seeds = [{ host, port }, ...(options.clusterNodes ?? []).map(parseNode)];
  const cluster = new Cluster(seeds, {
    redisOptions,
    scaleReads: 'master',
    enableReadyCheck: true,
    maxRedirections: 16,
    retryDelayOnTryAgain: 100,
    retryDelayOnClusterDown: 200,
    retryDelayOnFailover: 200,
    slotsRefreshTimeout: options.connectTimeoutMs ?? 10_000,
    // Keep host names as given (not resolved to IPs), so TLS checks them against certificates.
    dnsLookup: (address, callback) => callback(null, address),
  });
  if (options.onError) cluster.on('error', options.onError);
  return cluster;
}

function parseNode(text: string): { host: string; port: number } {
  const at = text.lastIndexOf(':');
  const port = Number(text.slice(at + 1));
  if (at <= 0 || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ConfigError(`redis.clusterNodes entry ${JSON.stringify(text)} is not host:port`, { key: 'redis.clusterNodes' });
  }
  return { host: text.slice(0, at).replace(/^\[|\]$/g, ''), port };
}
