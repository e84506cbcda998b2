import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/config-error.js';
import { Cluster } from 'ioredis';
import { createRedisClient, describeRedisTarget } from '../../src/state/create-redis-client.js';
import { createRedisConnection } from '../../src/state/create-redis-connection.js';

describe('describeRedisTarget', () => {
  it('masks the password from the URL and from the options', () => {
    expect(describeRedisTarget({ url: 'redis://app:hunter2@cache:6380/2' })).toBe('redis://app:***@cache:6380/2');
    expect(describeRedisTarget({ url: 'rediss://cache', username: 'app', password: 'hunter2' })).toBe('rediss://app:***@cache:6379/0');
    expect(describeRedisTarget({ url: 'redis://:hunter2@cache' })).toBe('redis://:***@cache:6379/0');
    expect(describeRedisTarget({})).toBe('redis://127.0.0.1:6379/0');
  });
});

describe('createRedisClient', () => {
  function optionsOf(options: Parameters<typeof createRedisClient>[0]): Record<string, unknown> {
    const client = createRedisClient({ ...options, onError: () => undefined });
    client.disconnect();
    return client.options as unknown as Record<string, unknown>;
  }

  it('turns on TLS for rediss:// and takes credentials and db from the URL', () => {
    expect(optionsOf({ url: 'rediss://app:p%40ss@127.0.0.1:1/3' })).toMatchObject({
      tls: {},
      username: 'app',
      password: 'p@ss',
      db: 3,
      host: '127.0.0.1',
      port: 1,
    });
  });

  it('lets explicit options win over the URL', () => {
    const tls = { rejectUnauthorized: false, servername: 'cache.internal' };
    expect(optionsOf({ url: 'redis://a:b@127.0.0.1:1/3', username: 'c', password: 'd', db: 4, tls, connectTimeoutMs: 50 })).toMatchObject({
      tls,
      username: 'c',
      password: 'd',
      db: 4,
      connectTimeout: 50,
    });
    expect(optionsOf({ url: 'redis://127.0.0.1:1' }).tls).toBeUndefined();
  });

  it.each([
    ['not a url', /redis.url is not a URL/],
    ['http://127.0.0.1', /scheme http: is not redis: or rediss:/],
    ['redis://127.0.0.1/abc', /path \/abc is not a database number/],
  ])('rejects the URL %j with a ConfigError', (url, message) => {
    expect(() => createRedisClient({ url })).toThrow(ConfigError);
    expect(() => createRedisClient({ url })).toThrow(message);
  });

  it('rejects a negative db', () => {
    expect(() => createRedisClient({ db: -1 })).toThrow(/redis.db -1 is not an integer >= 0/);
  });
});

describe('createRedisConnection', () => {
  it('refuses cluster seed nodes in standalone mode, naming the key', () => {
    expect(() => createRedisConnection({ url: 'redis://127.0.0.1:1', clusterNodes: ['127.0.0.1:2'] })).toThrow(ConfigError);
    expect(() => createRedisConnection({ url: 'redis://127.0.0.1:1', clusterNodes: ['127.0.0.1:2'] })).toThrow(/redis\.clusterNodes is set but redis\.mode is standalone/);
  });

  it('refuses a seed node that is not host:port', () => {
    expect(() => createRedisConnection({ url: 'redis://127.0.0.1:1', mode: 'cluster', clusterNodes: ['127.0.0.1'] })).toThrow(/redis\.clusterNodes entry "127\.0\.0\.1" is not host:port/);
  });

  it('returns a Cluster seeded from the URL and the extra nodes, with the URL credentials on every node', () => {
    // Loopback ports nothing listens on: the client is inspected, never connected.
    const cluster = createRedisConnection({ url: 'redis://app:pw@127.0.0.1:1', mode: 'cluster', clusterNodes: ['127.0.0.1:2', '[::1]:3'], onError: () => undefined });
    try {
      expect(cluster).toBeInstanceOf(Cluster);
      const c = cluster as Cluster;
      // ioredis keeps the seeds in a field its types mark private.
      expect((c as unknown as { startupNodes: unknown }).startupNodes).toEqual([{ host: '127.0.0.1', port: 1 }, { host: '127.0.0.1', port: 2 }, { host: '::1', port: 3 }]);
      expect(c.options.redisOptions).toMatchObject({ username: 'app', password: 'pw', connectionName: 'rnn-stream' });
      expect(c.options.scaleReads).toBe('master');
    } finally {
      cluster.disconnect();
    }
  });
});
