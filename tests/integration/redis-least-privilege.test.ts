import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessFailure } from '../../src/cli/access-failure.js';
import type { KeyState } from '../../src/state/key-state.js';
import { RedisStateStore } from '../../src/state/redis-state-store.js';
import { runCli } from '../cli/run-cli.js';
import { batch, expectSameState } from '../state/state-store-contract.js';
import { LEAST_PRIVILEGE } from './least-privilege-acl.js';
import { integrationServices, skipIntegration, uniqueName, type IntegrationServices } from './services.js';

const PASSWORD = 'Least-Priv-pw-7731';

describe.skipIf(skipIntegration)('the state store under the least-privilege Redis ACL', () => {
  let services: IntegrationServices;
  let admin: Redis;
  const users: string[] = [];
  const prefixes: string[] = [];

  beforeAll(async () => {
    services = await integrationServices();
    admin = new Redis(services.redisUrl);
  });
  afterAll(async () => {
    for (const user of users) await admin.call('ACL', 'DELUSER', user);
    for (const prefix of prefixes) {
      let cursor = '0';
      do {
        const [next, keys] = await admin.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        if (keys.length > 0) await admin.del(...keys);
        cursor = next;
      } while (cursor !== '0');
    }
    await admin?.quit();
    await services?.stop();
  });

  /** Creates a user allowed exactly `rules` on keys under a fresh prefix; returns both. */
  async function aclUser(rules: readonly string[]): Promise<{ user: string; keyPrefix: string }> {
    const user = uniqueName('it-least');
    const keyPrefix = uniqueName('it-least');
    users.push(user);
    prefixes.push(keyPrefix);
    await admin.call('ACL', 'SETUSER', user, 'reset', 'on', `>${PASSWORD}`, `~${keyPrefix}:*`, 'resetchannels', '-@all', ...rules);
    return { user, keyPrefix };
  }

  const p3 = { topic: 'ticks', partition: 3 };
  const keys = Array.from({ length: 2_100 }, (_, i) => `K${i}`);

  it('writes, loads a partition past 2,000 keys (HSCAN pages), reads, pings and closes', async () => {
    const { user, keyPrefix } = await aclUser(LEAST_PRIVILEGE);
    const store = new RedisStateStore({ connection: { url: services.redisUrl, username: user, password: PASSWORD }, keyPrefix });
    try {
      const write = batch(p3, -1, 2_099, keys);
      await store.applyBatch(write);
      await store.markProduced(p3, 2_099);
      const snapshot = await store.loadPartition(p3);
      expect(snapshot.watermark).toBe(2_099);
      expect(snapshot.states.size).toBe(2_100);
      for (const [key, state] of write.states) expectSameState(snapshot.states.get(key), state);
      expectSameState(await store.readKey(p3, 'K7'), write.states.get('K7') as KeyState);
      await store.applyBatch(batch(p3, 2_099, 2_100, ['K1']));
      expect((await store.loadPartition({ topic: 'ticks', partition: 4 })).states.size).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('works without +client|setname: the connection is simply left unnamed (CLIENT SETNAME is optional)', async () => {
    const { user, keyPrefix } = await aclUser(LEAST_PRIVILEGE.filter((r) => r !== '+client|setname'));
    const store = new RedisStateStore({ connection: { url: services.redisUrl, username: user, password: PASSWORD }, keyPrefix });
    try {
      await store.applyBatch(batch(p3, -1, 5, ['K1', 'K2']));
      expect((await store.loadPartition(p3)).watermark).toBe(5);
      await store.ping();
      const clients = String(await admin.client('LIST'));
      const mine = clients.split('\n').filter((line) => line.includes(` user=${user} `));
      expect(mine.length).toBeGreaterThan(0);
      for (const line of mine) expect(line).toMatch(/ name= /);
    } finally {
      await store.close();
    }
  });

  it('fails with NOPERM, named as an ACL denial, on the HSCAN path when +hscan is missing', async () => {
    const { user, keyPrefix } = await aclUser(LEAST_PRIVILEGE.filter((r) => r !== '+hscan'));
    const store = new RedisStateStore({ connection: { url: services.redisUrl, username: user, password: PASSWORD }, keyPrefix });
    try {
      await store.applyBatch(batch(p3, -1, 2_099, keys));
      const error = await store.loadPartition(p3).then(
        () => expect.fail('the paged load succeeded without +hscan'),
        (e: unknown) => e,
      );
      expect(accessFailure(error)).toMatchObject({ kind: 'redis_acl' });
      expect(accessFailure(error)?.text).toMatch(/NOPERM.*hscan/i);
    } finally {
      await store.close();
    }
  });

  it('reports a wrong password as a Redis authentication failure: exit code 3, no stack, no secret', async () => {
    const { user, keyPrefix } = await aclUser(LEAST_PRIVILEGE);
    const dir = await mkdtemp(join(tmpdir(), 'rnn-stream-acl-'));
    try {
      const wrong = 'Wrong-pw-55102';
      const url = services.redisUrl.replace('redis://', `redis://${user}:${wrong}@`);
      await writeFile(join(dir, 'c.yaml'), `redis:\n  url: "${url}"\n  keyPrefix: ${keyPrefix}\n  connectTimeoutMs: 3000\n`);
      const result = await runCli(['inspect', 'K1', '--partition', '3', '--topic', 'ticks', '-c', join(dir, 'c.yaml')]);
      expect(result.code).toBe(3);
      expect(result.stderr).toContain('Redis authentication failed (WRONGPASS');
      expect(result.stderr).not.toMatch(/^\s+at /m);
      expect(result.stderr).not.toContain(wrong);
      expect(result.stdout).not.toContain(wrong);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
