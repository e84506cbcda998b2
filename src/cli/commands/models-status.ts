import type { Redis } from 'ioredis';
import type { ServiceConfig } from '../../config/service-config.js';
import type { LiveScoresRecord } from '../../quality/publish-live-scores.js';
import type { ModelRegistry } from '../../registry/model-registry.js';
import { readLiveStatuses, type LiveStatus } from '../../service/live-status.js';
import { openStatusClient } from '../../service/open-status-client.js';
import { RedisKeys } from '../../state/redis-keys.js';
import { formatTable } from '../format-table.js';

type Nullable<T> = { readonly [K in keyof T]: T[K] extends number ? number | null : T[K] };

/** A stored live-score record as read back (NaN scores were written as null). */
interface StoredRecord extends Omit<Nullable<LiveScoresRecord>, 'modelLoss' | 'baselineLoss' | 'drift'> {
  readonly modelLoss: Nullable<LiveScoresRecord['modelLoss']>;
  readonly baselineLoss: Nullable<LiveScoresRecord['baselineLoss']>;
  readonly drift: Nullable<LiveScoresRecord['drift']>;
}

/** Losses of one side (model or baseline), combined over workers; null where nothing applies. */
export interface CombinedLoss {
  readonly mse: number | null;
  readonly mae: number | null;
  readonly qlike: number | null;
  readonly hitRate: number | null;
}

/** One model version's live scores in the deployment, combined over the workers that publish them. */
export interface VersionScores {
  readonly version: string;
  /** From the registry (else from what the workers serve); `retired` when no longer live. */
  readonly role: 'champion' | 'shadow' | 'retired';
  readonly model: string;
  readonly target: string;
  readonly baseline: string;
  readonly primary: string;
  /** Workers publishing scores of this version. */
  readonly workers: number;
  /** Events scored, summed over workers. */
  readonly scored: number;
  /** Each measure as the mean of the workers' rolling means weighted by their `scored`. */
  readonly modelLoss: CombinedLoss;
  readonly baselineLoss: CombinedLoss;
  /** 1 - model primary loss / baseline primary loss, from the combined losses. */
  readonly skill: number | null;
  /** Drift: the largest Page-Hinkley statistic of the workers, their detections summed, the latest detection. */
  readonly drift: { readonly statistic: number | null; readonly threshold: number | null; readonly detections: number; readonly lastDetectionMs: number | null };
  /** Epoch ms of the newest record. */
  readonly updatedAt: number;
  /** The records as stored, one per worker. */
  readonly records: readonly StoredRecord[];
}

/** What `models status` reports for one deployment. */
export interface ModelsStatus {
  /** The deployment: its consumer group id. */
  readonly group: string;
  readonly registry: { readonly champion: string | null; readonly shadows: readonly string[] };
  /** What each worker runs (published by workers that follow the registry). */
  readonly workers: readonly LiveStatus[];
  /** Live scores per version (champion first, then shadows, then retired versions whose hash has not expired). */
  readonly scores: readonly VersionScores[];
}

/**
 * Reads, for deployment `group` (default kafka.groupId): the registry's champion and shadows, the
 * workers' published live sets (`<prefix>:workers:{<group>}:*`), and every live-score hash
 * (`<prefix>:live:{<group>}:<version>`, written by quality/publish-live-scores.ts).
 */
export async function modelsStatus(config: ServiceConfig, registry: ModelRegistry, opts: { group?: string } = {}): Promise<ModelsStatus> {
  const group = opts.group ?? config.kafka.groupId;
  const keys = new RedisKeys(config.redis.keyPrefix);
  const [champion, shadows] = await Promise.all([registry.champion(), registry.shadows()]);
  const redis = openStatusClient(config);
  try {
    const [workers, records] = await Promise.all([readLiveStatuses(redis, keys, group), readScoreRecords(redis, keys, group)]);
    const roleOf = (version: string): VersionScores['role'] => {
      if (version === champion || workers.some((w) => w.champion === version)) return 'champion';
      if (shadows.includes(version) || workers.some((w) => w.shadows.includes(version))) return 'shadow';
      return 'retired';
    };
    const rank = { champion: 0, shadow: 1, retired: 2 };
    const scores = [...records].map(([version, list]) => combine(version, roleOf(version), list)).sort((a, b) => rank[a.role] - rank[b.role] || a.version.localeCompare(b.version));
    return { group, registry: { champion, shadows }, workers, scores };
  } finally {
    redis.disconnect();
  }
}

/** Every worker's record of every live-score hash of `group`, by version. */
async function readScoreRecords(redis: Redis, keys: RedisKeys, group: string): Promise<Map<string, StoredRecord[]>> {
  const out = new Map<string, StoredRecord[]>();
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', keys.liveScoresPattern(group), 'COUNT', 1000);
    cursor = next;
    for (const key of found) {
      const fields = await redis.hgetall(key);
      for (const value of Object.values(fields)) {
        const record = JSON.parse(value) as StoredRecord;
        const list = out.get(record.version) ?? [];
        list.push(record);
        out.set(record.version, list);
      }
    }
  } while (cursor !== '0');
  return out;
}

function combine(version: string, role: VersionScores['role'], records: StoredRecord[]): VersionScores {
  const first = records[0];
  const scored = records.reduce((n, r) => n + (r.scored ?? 0), 0);
  const side = (which: 'modelLoss' | 'baselineLoss'): CombinedLoss => ({
    mse: weighted(records, (r) => r[which].mse),
    mae: weighted(records, (r) => r[which].mae),
    qlike: weighted(records, (r) => r[which].qlike),
    hitRate: weighted(records, (r) => r[which].hitRate),
  });
  const modelLoss = side('modelLoss');
  const baselineLoss = side('baselineLoss');
  const m = primaryLoss(first.primary, modelLoss);
  const b = primaryLoss(first.primary, baselineLoss);
  const statistics = records.map((r) => r.drift.statistic).filter((v): v is number => v !== null);
  const detections = records.map((r) => r.drift.lastDetectionMs).filter((v): v is number => v !== null);
  return {
    version, role, model: first.model, target: first.target, baseline: first.baseline, primary: first.primary,
    workers: records.length, scored, modelLoss, baselineLoss,
    skill: m !== null && b !== null && b > 0 ? 1 - m / b : null,
    drift: {
      statistic: statistics.length > 0 ? Math.max(...statistics) : null,
      threshold: first.driftThreshold,
      detections: records.reduce((n, r) => n + (r.drift.detections ?? 0), 0),
      lastDetectionMs: detections.length > 0 ? Math.max(...detections) : null,
    },
    updatedAt: Math.max(...records.map((r) => r.updatedAt ?? 0)),
    records,
  };
}

/** Mean of `value` over the records that have it, weighted by their `scored`; null when none has. */
function weighted(records: readonly StoredRecord[], value: (r: StoredRecord) => number | null): number | null {
  let sum = 0;
  let weight = 0;
  for (const r of records) {
    const v = value(r);
    const w = r.scored ?? 0;
    if (v === null || w <= 0) continue;
    sum += v * w;
    weight += w;
  }
  return weight > 0 ? sum / weight : null;
}

function primaryLoss(primary: string, loss: CombinedLoss): number | null {
  if (primary === 'miss_rate') return loss.hitRate === null ? null : 1 - loss.hitRate;
  return primary === 'qlike' ? loss.qlike : loss.mse;
}

/** The status as text: the registry's view, one row per worker, one row of live scores per version. */
export function formatModelsStatus(s: ModelsStatus, now = Date.now()): string {
  const lines = [`registry: champion ${s.registry.champion ?? 'none'}; shadows ${s.registry.shadows.length > 0 ? s.registry.shadows.join(', ') : 'none'}`, `deployment (consumer group) ${s.group}:`];
  if (s.workers.length === 0) lines.push('  no worker publishes what it runs (workers publish it with model.followRegistry: true)');
  else {
    lines.push(
      formatTable(
        ['instance', 'partitions', 'champion', 'shadows', 'note', 'updated'],
        s.workers.map((w) => [
          w.instance, w.partitions.join(',') || '-', w.champion, w.shadows.join(', ') || '-',
          w.registryChampion !== null ? `registry champion ${w.registryChampion} not served (see its log)` : '', w.updatedAt,
        ]),
      ).trimEnd(),
    );
  }
  const shown = new Set(s.scores.map((v) => v.version));
  const live = [s.registry.champion, ...s.registry.shadows, ...s.workers.flatMap((w) => [w.champion, ...w.shadows])].filter((v): v is string => v !== null);
  const unscored = [...new Set(live)].filter((v) => !shown.has(v));
  lines.push('', 'live scores (rolling means; over workers, weighted by events scored):');
  if (s.scores.length === 0) lines.push('  none published (quality.enabled false, quality.publishIntervalMs 0, no event scored yet, or the model cannot be scored live: see the worker log)');
  else {
    lines.push(
      formatTable(
        ['role', 'version', 'target', 'measure', 'model', 'baseline', 'skill', 'scored', 'workers', 'drift statistic', 'detections', 'updated'],
        s.scores.map((v) => [
          v.role, v.version, v.target, v.primary, num(primaryLoss(v.primary, v.modelLoss)), `${num(primaryLoss(v.primary, v.baselineLoss))} (${v.baseline})`,
          num(v.skill), String(v.scored), String(v.workers), `${num(v.drift.statistic)} / ${num(v.drift.threshold)}`,
          v.drift.lastDetectionMs === null ? String(v.drift.detections) : `${v.drift.detections} (last ${ago(now, v.drift.lastDetectionMs)})`, ago(now, v.updatedAt),
        ]),
      ).trimEnd(),
    );
  }
  for (const v of unscored) lines.push(`  ${v}: no live scores published`);
  return lines.join('\n');
}

function num(v: number | null): string {
  if (v === 0) return '0';
  return v === null ? '-' : Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? v.toFixed(4) : v.toExponential(3);
}

function ago(now: number, ms: number): string {
  return `${Math.max(0, Math.round((now - ms) / 1000))} s ago`;
}
