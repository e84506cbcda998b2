/**
 * The Redis Cluster of the cluster integration tests: REDIS_CLUSTER_NODES (host:port,...) as
 * printed by `deploy/local/services.sh cluster-env`. Outside CI a missing variable skips those
 * tests with a hint; under CI=true they fail instead.
 */
import { Redis } from 'ioredis';

/** Seed nodes of the test cluster, `host:port`. */
export const clusterNodes: string[] = (process.env.REDIS_CLUSTER_NODES ?? '')
  .split(',')
  .map((n) => n.trim())
  .filter((n) => n.length > 0);

/** True when the cluster tests must be skipped: no cluster given and not CI. */
export const skipCluster: boolean = clusterNodes.length === 0 && process.env.CI !== 'true';

export const MISSING_CLUSTER_MESSAGE =
  'Redis Cluster tests need REDIS_CLUSTER_NODES: start the local cluster and export its nodes:\n' +
  '  deploy/local/services.sh cluster-up\n' +
  '  eval "$(deploy/local/services.sh cluster-env)"\n' +
  '(see docs/local-services.md)';

if (skipCluster) console.warn(`[integration] Redis Cluster tests skipped: ${MISSING_CLUSTER_MESSAGE}`);

/** One standalone connection per master of the cluster (for admin commands), keyed by `host:port`. */
export async function connectMasters(): Promise<Map<string, Redis>> {
  if (clusterNodes.length === 0) throw new Error(MISSING_CLUSTER_MESSAGE);
  const [host, port] = splitNode(clusterNodes[0]);
  const seed = new Redis({ host, port, maxRetriesPerRequest: 2 });
  try {
    const masters = new Map<string, Redis>();
    for (const [, , [h, p]] of await seed.cluster('SLOTS')) {
      const id = `${h}:${p}`;
      if (!masters.has(id)) masters.set(id, new Redis({ host: h, port: p, maxRetriesPerRequest: 2 }));
    }
    return masters;
  } finally {
    seed.disconnect();
  }
}

/** `host:port` split into its parts. */
export function splitNode(node: string): [string, number] {
  const at = node.lastIndexOf(':');
  return [node.slice(0, at), Number(node.slice(at + 1))];
}

/** The master that serves `slot` now, as `host:port`. */
export async function ownerOf(masters: Map<string, Redis>, slot: number): Promise<string> {
  const any = masters.values().next().value as Redis;
  const range = (await any.cluster('SLOTS')).find(([from, to]) => slot >= from && slot <= to);
  if (!range) throw new Error(`slot ${slot} is served by no node`);
  return `${range[2][0]}:${range[2][1]}`;
}

/**
 * Moves `slot` from one master to another the way `redis-cli --cluster reshard` does, one key at
 * a time with a pause between keys, so that clients meet the slot half-moved (ASK, TRYAGAIN) and
 * then moved (MOVED): IMPORTING on the target, MIGRATING on the source, MIGRATE of every key,
 * then SETSLOT NODE on every master (target first).
 */
export async function migrateSlot(masters: Map<string, Redis>, slot: number, from: string, to: string, pauseMs: number): Promise<number> {
  const source = masters.get(from)!;
  const target = masters.get(to)!;
  const [toHost, toPort] = splitNode(to);
  const sourceId = String(await source.cluster('MYID'));
  const targetId = String(await target.cluster('MYID'));
  await target.cluster('SETSLOT', slot, 'IMPORTING', sourceId);
  await source.cluster('SETSLOT', slot, 'MIGRATING', targetId);
  let moved = 0;
  for (;;) {
    const keys = (await source.cluster('GETKEYSINSLOT', slot, 1)) as string[];
    if (keys.length === 0) break;
    await source.call('MIGRATE', toHost, toPort, '', 0, 10_000, 'KEYS', keys[0]);
    moved++;
    await new Promise((r) => setTimeout(r, pauseMs));
  }
  await target.cluster('SETSLOT', slot, 'NODE', targetId);
  await source.cluster('SETSLOT', slot, 'NODE', targetId);
  for (const [id, node] of masters) if (id !== from && id !== to) await node.cluster('SETSLOT', slot, 'NODE', targetId);
  return moved;
}

/** Redirect and retry replies the masters have sent so far, by kind (INFO errorstats: MOVED, ASK, TRYAGAIN). */
export async function redirectCounts(masters: Map<string, Redis>): Promise<Record<'MOVED' | 'ASK' | 'TRYAGAIN', number>> {
  const total = { MOVED: 0, ASK: 0, TRYAGAIN: 0 };
  for (const node of masters.values()) {
    const info = await node.info('errorstats');
    for (const m of info.matchAll(/^errorstat_(MOVED|ASK|TRYAGAIN):count=(\d+)/gm)) total[m[1] as keyof typeof total] += Number(m[2]);
  }
  return total;
}

/** Deletes every key under `prefix` on every master. */
export async function deletePrefix(masters: Map<string, Redis>, prefix: string): Promise<void> {
  for (const node of masters.values()) {
    for (let cursor = '0'; ; ) {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      for (const k of keys) await node.del(k);
      cursor = next;
      if (cursor === '0') break;
    }
  }
}
