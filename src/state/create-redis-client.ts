import type { ConnectionOptions } from 'node:tls';
import { Redis, type RedisOptions } from 'ioredis';
import { ConfigError } from '../errors/config-error.js';

/** How to reach Redis. Values given here override those in `url`. */
export interface RedisConnectionOptions {
  /** `redis://[user[:password]@]host[:port][/db]`, or `rediss://` for TLS (default redis://127.0.0.1:6379). */
  readonly url?: string;
  /** ACL user name (Redis 6+); with `password` it authenticates with AUTH user password. */
  readonly username?: string;
  /** Password (AUTH); never logged: use {@link describeRedisTarget} to name the target. */
  readonly password?: string;
  /** Logical database (default 0; Redis Cluster only has 0). */
  readonly db?: number;
  /** TLS: true for defaults, or Node TLS options (ca, cert, key, servername, ...). Implied by rediss://. */
  readonly tls?: boolean | ConnectionOptions;
  /** Time to establish a connection before it counts as failed (default 10,000 ms). */
  readonly connectTimeoutMs?: number;
  /** A command without a reply after this long fails with a retriable error (default: none). */
  readonly commandTimeoutMs?: number;
  /** Reconnect attempts a command waits for before failing (default 2; the caller backs off and retries). */
  readonly maxRetriesPerRequest?: number;
  /** Name shown by CLIENT LIST (default rnn-stream). */
  readonly clientName?: string;
  /** Receives connection errors (ioredis 'error' events); commands fail with their own errors too. */
  readonly onError?: (error: Error) => void;
}

/** Creates an ioredis client from validated options. Connects in the background. */
export function createRedisClient(options: RedisConnectionOptions = {}): Redis {
  const client = new Redis(redisOptionsFrom(options));
  if (options.onError) client.on('error', options.onError);
  return client;
}

/** The ioredis options of one connection (host and port from `url`); shared with the Cluster client. */
export function redisOptionsFrom(options: RedisConnectionOptions): RedisOptions & { host: string; port: number } {
  const url = parseRedisUrl(options.url ?? 'redis://127.0.0.1:6379');
  if (options.db !== undefined && (!Number.isInteger(options.db) || options.db < 0)) {
    throw new ConfigError(`redis.db ${options.db} is not an integer >= 0`, { key: 'redis.db' });
  }
  const tls = options.tls ?? url.protocol === 'rediss:';
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : 6379,
    username: options.username ?? (decodeURIComponent(url.username) || undefined),
    password: options.password ?? (decodeURIComponent(url.password) || undefined),
    db: options.db ?? (url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0),
    tls: tls === false ? undefined : tls === true ? {} : tls,
    connectTimeout: options.connectTimeoutMs ?? 10_000,
    commandTimeout: options.commandTimeoutMs,
    maxRetriesPerRequest: options.maxRetriesPerRequest ?? 2,
    connectionName: options.clientName ?? 'rnn-stream',
  };
}

/** The target for logs, password masked: `rediss://user:***@host:6380/0`. */
export function describeRedisTarget(options: RedisConnectionOptions = {}): string {
  const url = parseRedisUrl(options.url ?? 'redis://127.0.0.1:6379');
  const user = options.username ?? decodeURIComponent(url.username);
  const hasPassword = options.password !== undefined || url.password !== '';
  const tls = options.tls ?? url.protocol === 'rediss:';
  const auth = user || hasPassword ? `${user}${hasPassword ? ':***' : ''}@` : '';
  const db = options.db ?? (url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0);
  return `${tls ? 'rediss' : 'redis'}://${auth}${url.hostname}:${url.port || 6379}/${db}`;
}

function parseRedisUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch (error) {
    throw new ConfigError(`redis.url is not a URL (expected redis://host:port or rediss://host:port)`, { key: 'redis.url' }, { cause: error });
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new ConfigError(`redis.url scheme ${url.protocol} is not redis: or rediss:`, { key: 'redis.url' });
  }
  if (url.pathname.length > 1 && !/^\/\d+$/.test(url.pathname)) {
    throw new ConfigError(`redis.url path ${url.pathname} is not a database number`, { key: 'redis.url' });
  }
  return url;
}
