import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStateStore } from '../../src/state/redis-state-store.js';
import { batch, expectSameState } from '../state/state-store-contract.js';
import { CLUSTER_ADDITIONS, LEAST_PRIVILEGE } from './least-privilege-acl.js';
import { clusterNodes, connectMasters, deletePrefix, MISSING_CLUSTER_MESSAGE, ownerOf, skipCluster } from './redis-cluster-services.js';
import { uniqueName } from './services.js';

const PASSWORD = 'Cluster-Least-pw-4410';

describe.skipIf(skipCluster)('the state store on Redis Cluster under the least-privilege ACL', () => {
  let masters: Map<string, Redis>;
  const users: string[] = [];
  const prefixes: string[] = [];
  beforeAll(async () => {
    if (clusterNodes.length === 0) throw new Error(MISSING_CLUSTER_MESSAGE);
    masters = await connectMasters();
  });
  afterAll(async () => {
    if (!masters) return;
    for (const node of masters.values()) for (const user of users) await node.call('ACL', 'DELUSER', user);
    for (const prefix of prefixes) await deletePrefix(masters, prefix);
    for (const node of masters.values()) node.disconnect();
  });

  /** The same user with `rules` on every master (ACLs are per node), on keys under a fresh prefix. */
  async function aclUser(rules: readonly string[]): Promise<{ user: string; keyPrefix: string }> {
    const user = uniqueName('it-cluster-least');
    const keyPrefix = uniqueName('it-cluster-least');
    users.push(user);
    prefixes.push(keyPrefix);
    for (const node of masters.values()) {
      await node.call('ACL', 'SETUSER', user, 'reset', 'on', `>${PASSWORD}`, `~${keyPrefix}:*`, 'resetchannels', '-@all', ...rules);
    }
    return { user, keyPrefix };
  }

  it('writes, loads, reads and pings on partitions spread over the masters with the documented set', async () => {
    const { user, keyPrefix } = await aclUser([...LEAST_PRIVILEGE, ...CLUSTER_ADDITIONS]);
    const [seed, ...more] = clusterNodes;
    const store = new RedisStateStore({
      connection: { url: `redis://${seed}`, mode: 'cluster', clusterNodes: more, username: user, password: PASSWORD, maxRetriesPerRequest: 2 },
      keyPrefix,
    });
    try {
      const anyMaster = masters.values().next().value as Redis;
      const owners = new Set<string>();
      for (let partition = 0; partition < 12; partition++) {
        const ref = { topic: 'ticks', partition };
        owners.add(await ownerOf(masters, Number(await anyMaster.cluster('KEYSLOT', store.keys.partition(ref).states))));
        const write = batch(ref, -1, 10, ['K1', 'K2', `K${partition}`]);
        await store.applyBatch(write);
        await store.markProduced(ref, 10);
        const snapshot = await store.loadPartition(ref);
        expect(snapshot.watermark).toBe(10);
        for (const [key, state] of write.states) expectSameState(snapshot.states.get(key), state);
        expectSameState(await store.readKey(ref, 'K1'), write.states.get('K1')!);
      }
      expect(owners.size).toBeGreaterThan(1);
      await store.ping();
    } finally {
      await store.close();
    }
  });
});
