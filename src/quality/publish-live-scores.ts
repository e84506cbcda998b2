/**
 * Writes the live models' scores to Redis at a bounded rate, for `rnn-stream models status` and
 * any other reader: every `intervalMs`, for each live model, one `HSET` of this worker's field in
 * the hash `<prefix>:live:{<group>}:<version>` (state/redis-keys.ts) and a `PEXPIRE` of the hash,
 * sent together (one round trip per interval, never per event). The field is the worker id
 * (`<hostname>:<pid>`), the value one JSON object ({@link LiveScoresRecord}). A version this
 * worker wrote before and no longer scores (swapped out, unshadowed) has its field deleted in the
 * same transaction. A failed write is logged and tried again at the next interval; it never
 * stops the pipeline.
 */
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { RedisKeys } from '../state/redis-keys.js';
import type { LiveScores } from './live-scorer.js';

/** The commands the publisher needs (an ioredis client or Cluster provides them). */
export interface LiveScoresRedis {
  multi(): {
    hset(key: string, field: string, value: string): unknown;
    hdel(key: string, field: string): unknown;
    pexpire(key: string, ms: number): unknown;
    exec(): Promise<unknown>;
  };
}

/** The JSON stored per worker and model version (NaN scores are written as null). */
export interface LiveScoresRecord extends LiveScores {
  readonly worker: string;
  /** Epoch milliseconds of this write; a worker that stopped leaves an old value until the hash expires. */
  readonly updatedAt: number;
  readonly halfLifeEvents: number;
  readonly driftThreshold: number;
}

/** Options of {@link publishLiveScores}. */
export interface PublishLiveScoresOptions {
  readonly redis: LiveScoresRedis;
  readonly keys: RedisKeys;
  /** The deployment: the consumer group id. */
  readonly group: string;
  readonly intervalMs: number;
  readonly source: () => readonly LiveScores[];
  readonly halfLifeEvents: number;
  readonly driftThreshold: number;
  readonly logger: Pick<Logger, 'warn'>;
  readonly worker?: string;
  readonly now?: () => number;
}

/** Hashes live this many intervals after their last write (at least a minute). */
export const LIVE_SCORES_TTL_INTERVALS = 12;

/** Starts publishing; the returned function stops it and writes one last time. */
export function publishLiveScores(opts: PublishLiveScoresOptions): () => Promise<void> {
  const worker = opts.worker ?? `${hostname()}:${process.pid}`;
  const now = opts.now ?? Date.now;
  const ttl = Math.max(60_000, LIVE_SCORES_TTL_INTERVALS * opts.intervalMs);
  opts.keys.liveScoresPattern(opts.group); // a group id that cannot name keys fails now, not at the first write
  let writing: Promise<void> = Promise.resolve();
  /** Versions whose field this worker has written (and not deleted since). */
  let written = new Set<string>();
  const write = async (): Promise<void> => {
    try {
      const scores = opts.source();
      const current = new Set(scores.map((s) => s.version));
      const retired = [...written].filter((v) => !current.has(v));
      if (scores.length === 0 && retired.length === 0) return;
      const tx = opts.redis.multi();
      for (const s of scores) {
        const key = opts.keys.liveScores(opts.group, s.version);
        const record: LiveScoresRecord = { ...s, worker, updatedAt: now(), halfLifeEvents: opts.halfLifeEvents, driftThreshold: opts.driftThreshold };
        tx.hset(key, worker, JSON.stringify(record));
        tx.pexpire(key, ttl);
      }
      for (const version of retired) tx.hdel(opts.keys.liveScores(opts.group, version), worker);
      await tx.exec();
      written = current;
    } catch (error) {
      opts.logger.warn({ err: error }, 'live scores not written to Redis; trying again at the next interval');
    }
  };
  const timer = setInterval(() => {
    writing = writing.then(write);
  }, opts.intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await writing;
    await write();
  };
}
