import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StateCorruptError } from '../../src/errors/state-corrupt-error.js';
import { StateFencedError } from '../../src/errors/state-fenced-error.js';
import { StateStoreError } from '../../src/errors/state-store-error.js';
import type { KeyState } from '../../src/state/key-state.js';
import { RedisStateStore } from '../../src/state/redis-state-store.js';
import { batch, describeStateStoreContract, expectSameState } from '../state/state-store-contract.js';
import { integrationServices, skipIntegration, uniqueName, type IntegrationServices } from './services.js';

/** Deletes every key under `prefix`. */
async function deletePrefix(client: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    if (keys.length > 0) await client.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/**
 * A MONITOR connection. ioredis switches a connection to monitoring mode only after MONITOR's
 * reply has been handled asynchronously, so a monitored line (another client's command on the
 * shared Redis) that arrives in the same read is taken for a reply without a command ("Command
 * queue state error"). Such a start is discarded and tried again; nothing before the test's
 * start marker is counted anyway.
 */
async function startMonitor(from: Redis): Promise<Redis> {
  for (let attempt = 1; ; attempt += 1) {
    const monitor = from.duplicate({ monitor: true, lazyConnect: false });
    try {
      await new Promise<void>((resolve, reject) => {
        monitor.once('error', reject);
        monitor.once('monitoring', () => {
          monitor.off('error', reject);
          resolve();
        });
      });
      return monitor;
    } catch (error) {
      monitor.disconnect();
      if (attempt >= 5 || !String(error).includes('Command queue state error')) throw error;
    }
  }
}

/**
 * Commands the server received from `client`'s connection while `action` ran, seen through
 * MONITOR: between a start marker (sent until the monitor shows it, so it is live) and an end marker.
 */
async function commandsDuring(monitorFrom: Redis, client: Redis, action: () => Promise<void>): Promise<string[]> {
  const addr = /addr=(\S+)/.exec(String(await client.client('INFO')))?.[1];
  const start = uniqueName('start');
  const end = uniqueName('end');
  const monitor = await startMonitor(monitorFrom);
  const seen: string[] = [];
  let phase: 'before' | 'during' | 'after' = 'before';
  let onEnd = (): void => undefined;
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (source !== addr || phase === 'after') return;
    const marker = args[0]?.toLowerCase() === 'echo' ? args[1] : undefined;
    if (marker === start) phase = 'during';
    else if (marker === end) {
      phase = 'after';
      onEnd();
    } else if (phase === 'during') seen.push(args[0].toLowerCase());
  });
  try {
    while (phase === 'before') {
      await client.echo(start);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await action();
    const ended = new Promise<void>((resolve) => (onEnd = resolve));
    await client.echo(end);
    await ended;
  } finally {
    monitor.disconnect();
  }
  return seen;
}

describe.skipIf(skipIntegration)('RedisStateStore against a real Redis', () => {
  let services: IntegrationServices;
  let client: Redis;
  const prefixes: string[] = [];

  beforeAll(async () => {
    services = await integrationServices();
    client = new Redis(services.redisUrl);
  });
  afterAll(async () => {
    for (const prefix of prefixes) await deletePrefix(client, prefix);
    await client?.quit();
    await services?.stop();
  });

  function newStore(options: ConstructorParameters<typeof RedisStateStore>[0] = {}): RedisStateStore {
    const keyPrefix = uniqueName('it-state');
    prefixes.push(keyPrefix);
    return new RedisStateStore({ client, keyPrefix, ...options });
  }

  describeStateStoreContract('RedisStateStore', async () => {
    const store = newStore();
    return { store, cleanup: () => deletePrefix(client, store.keys.prefix) };
  });

  const p7 = { topic: 'ticks', partition: 7 };

  it('keeps a partition under one hash tag: <prefix>:{ticks:7}:states, :wm and :outbox', async () => {
    const store = newStore();
    await store.applyBatch(batch(p7, -1, 3, ['AAPL']));
    const keys = await client.keys(`${store.keys.prefix}:*`);
    const tag = '{ticks:7}';
    expect(keys.sort()).toEqual([`${store.keys.prefix}:${tag}:outbox`, `${store.keys.prefix}:${tag}:states`, `${store.keys.prefix}:${tag}:wm`]);
    expect(await client.get(`${store.keys.prefix}:${tag}:wm`)).toBe('3');
  });

  it('writes a batch of 1,000 keys in exactly one command, and marks produced in one more', async () => {
    const own = new Redis(services.redisUrl);
    try {
      const store = newStore({ client: own });
      const keys = Array.from({ length: 1000 }, (_, i) => `SYM${i}`);
      const first = await commandsDuring(client, own, () => store.applyBatch(batch(p7, -1, 999, keys)));
      const second = await commandsDuring(client, own, () => store.applyBatch(batch(p7, 999, 1999, keys)));
      const mark = await commandsDuring(client, own, () => store.markProduced(p7, 1999));
      // ioredis sends a script's body (EVAL) the first time on a connection, its SHA after.
      expect(first).toEqual(['eval']);
      expect(second).toEqual(['evalsha']);
      expect(mark).toEqual(['eval']);
      expect(await client.hlen(store.keys.partition(p7).states)).toBe(1000);
    } finally {
      await own.quit();
    }
  });

  it('loads a partition larger than the inline limit page by page, complete and exact', async () => {
    const store = newStore({ inlineLoadLimit: 10, scanCount: 7 });
    const write = batch(p7, -1, 49, Array.from({ length: 50 }, (_, i) => `K${i}`));
    await store.applyBatch(write);
    const snapshot = await store.loadPartition(p7);
    expect(snapshot.states.size).toBe(50);
    for (const [key, state] of write.states) expectSameState(snapshot.states.get(key), state);
    expect(snapshot.outbox?.messages).toEqual(write.outbox.map(({ key, value }) => ({ key, value })));
  });

  it('refuses a paged load while another writer moves the watermark, and succeeds on a later attempt', async () => {
    const own = new Redis(services.redisUrl);
    try {
      const keyPrefix = uniqueName('it-state');
      prefixes.push(keyPrefix);
      const writer = new RedisStateStore({ client, keyPrefix });
      const pages = { count: 0 };
      const original = own.hscanBuffer.bind(own);
      own.hscanBuffer = (async (...args: Parameters<typeof original>) => {
        if (pages.count++ === 0) await writer.applyBatch(batch(p7, 20, 30, ['LATE']));
        return original(...args);
      }) as typeof original;
      await writer.applyBatch(batch(p7, -1, 20, Array.from({ length: 20 }, (_, i) => `K${i}`)));
      const once = new RedisStateStore({ client: own, keyPrefix, inlineLoadLimit: 5, loadAttempts: 1 });
      const error = await once.loadPartition(p7).then(() => null, (e: unknown) => e);
      expect(error).toBeInstanceOf(StateFencedError);
      expect(error).toMatchObject({ expected: 20, actual: 30 });
      const twice = new RedisStateStore({ client: own, keyPrefix, inlineLoadLimit: 5, loadAttempts: 2 });
      await writer.applyBatch(batch(p7, 30, 40, ['LATER']));
      pages.count = 1;
      const snapshot = await twice.loadPartition(p7);
      expect(snapshot.watermark).toBe(40);
      expect(snapshot.states.size).toBe(22);
    } finally {
      await own.quit();
    }
  });

  it('reports stored bytes that do not decode as StateCorruptError naming key and partition', async () => {
    const store = newStore();
    await store.applyBatch(batch(p7, -1, 1, ['AAPL']));
    await client.hset(store.keys.partition(p7).states, 'AAPL', Buffer.from([1, 2, 3]));
    await expect(store.readKey(p7, 'AAPL')).rejects.toMatchObject({ name: 'StateCorruptError', key: 'AAPL', topic: 'ticks', partition: 7 });
    await expect(store.loadPartition(p7)).rejects.toBeInstanceOf(StateCorruptError);
  });

  it('writes nothing when a partition key holds another type, and says which key', async () => {
    const store = newStore();
    const keys = store.keys.partition(p7);
    await client.set(keys.outbox, 'not a hash');
    const error = await store.applyBatch(batch(p7, -1, 1, ['AAPL'])).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(StateStoreError);
    expect((error as StateStoreError).retriable).toBe(false);
    expect((error as Error).message).toContain(keys.outbox);
    expect(await client.exists(keys.states, keys.watermark)).toBe(0);
  });

  it('surfaces an unreachable Redis as a retriable StateStoreError', async () => {
    const dead = new Redis({ port: 1, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
    dead.on('error', () => undefined); // the rejected command below carries the error
    try {
      const store = new RedisStateStore({ client: dead, keyPrefix: 'unreachable' });
      const error = await store.applyBatch(batch(p7, -1, 1, ['AAPL'])).then(() => null, (e: unknown) => e);
      expect(error).toBeInstanceOf(StateStoreError);
      expect(error).toMatchObject({ retriable: true, op: 'apply', topic: 'ticks', partition: 7 });
      await expect(store.ping()).rejects.toMatchObject({ retriable: true });
    } finally {
      dead.disconnect();
    }
  });

  it('authenticates with an ACL user limited to its own key prefix', async () => {
    const user = uniqueName('it-user');
    const keyPrefix = uniqueName('it-acl');
    prefixes.push(keyPrefix);
    await client.call('ACL', 'SETUSER', user, 'on', '>s3cret-pw', `~${keyPrefix}:*`, '+@all');
    try {
      const store = new RedisStateStore({ connection: { url: services.redisUrl, username: user, password: 's3cret-pw' }, keyPrefix });
      const write = batch(p7, -1, 2, ['AAPL']);
      await store.applyBatch(write);
      expectSameState(await store.readKey(p7, 'AAPL'), write.states.get('AAPL') as KeyState);
      await store.close();
      const foreign = new RedisStateStore({ connection: { url: services.redisUrl, username: user, password: 's3cret-pw' } });
      await expect(foreign.applyBatch(write)).rejects.toMatchObject({ name: 'StateStoreError', retriable: false });
      await foreign.close();
    } finally {
      await client.call('ACL', 'DELUSER', user);
    }
  });
});
