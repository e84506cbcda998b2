import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { LiveModels } from '../runtime/live-models.js';
import type { RedisKeys } from '../state/redis-keys.js';

/** What a running worker publishes about itself for `rnn-stream models status`. */
export interface LiveStatus {
  /** The worker: `<hostname>:<pid>`, as it names its fields of the live-score hashes. */
  readonly instance: string;
  readonly group: string;
  readonly champion: string;
  readonly shadows: readonly string[];
  /** The registry's champion when the worker does not serve it (a refused or failing swap); null otherwise. */
  readonly registryChampion: string | null;
  readonly partitions: readonly number[];
  /** Where the worker's /metrics is served. */
  readonly metricsUrl: string;
  readonly updatedAt: string;
}

/** Options of {@link publishLiveStatus}. */
export interface LiveStatusOptions {
  readonly redis: Redis;
  readonly keys: RedisKeys;
  readonly group: string;
  readonly models: LiveModels;
  readonly metricsUrl: string;
  readonly assigned: () => readonly number[];
  /** The registry's champion as last read (null when unknown). */
  readonly registryChampion: () => string | null;
  /** Expiry of the status, ms (a worker that stopped publishing disappears after it). */
  readonly ttlMs: number;
}

/**
 * Writes this worker's live models to Redis (SET with an expiry, key RedisKeys.workerStatus);
 * call it after every registry check and live-set change. Never throws: status is best effort, a
 * failure is returned.
 */
export function publishLiveStatus(opts: LiveStatusOptions, instance = `${hostname()}:${process.pid}`): () => Promise<Error | null> {
  return async () => {
    const set = opts.models.current();
    const champion = set.champion.loaded.version;
    const registryChampion = opts.registryChampion();
    const status: LiveStatus = {
      instance, group: opts.group, champion, shadows: set.shadows.map((s) => s.loaded.version),
      registryChampion: registryChampion !== null && registryChampion !== champion ? registryChampion : null,
      partitions: [...opts.assigned()], metricsUrl: opts.metricsUrl, updatedAt: new Date().toISOString(),
    };
    try {
      await opts.redis.set(opts.keys.workerStatus(opts.group, instance), JSON.stringify(status), 'PX', opts.ttlMs);
      return null;
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  };
}

/** Every worker status of deployment `group` (SCAN; for the status command, not a hot path). */
export async function readLiveStatuses(redis: Redis, keys: RedisKeys, group: string): Promise<LiveStatus[]> {
  const out: LiveStatus[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', keys.workerStatusPattern(group), 'COUNT', 1000);
    cursor = next;
    const values = found.length > 0 ? await redis.mget(...found) : [];
    for (const v of values) if (v !== null) out.push(JSON.parse(v) as LiveStatus);
  } while (cursor !== '0');
  return out.sort((a, b) => a.instance.localeCompare(b.instance));
}
