import type { ServiceConfig } from '../../config/service-config.js';
import type { ModelRegistry } from '../../registry/model-registry.js';
import { readLiveStatuses, type LiveStatus } from '../../service/live-status.js';
import { openStatusClient } from '../../service/open-status-client.js';
import { formatTable } from '../format-table.js';

/** Series of a worker's /metrics that carry a model_version label (live scores, drift state, ...), by version. */
export type ScoresByVersion = Map<string, string[]>;

/** Metrics already shown in the table (not repeated as scores). */
const SHOWN = /^rnn_stream_(live_model_info|warm_start|model_swaps)/;

/**
 * Picks, from Prometheus text exposition, every sample with a `model_version` label (except the
 * live-model bookkeeping shown elsewhere), as `name{other labels} value` by version.
 */
export function scoresFromMetrics(text: string, into: ScoresByVersion = new Map()): ScoresByVersion {
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || !line.includes('model_version="')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{(.*)\}\s+(\S+)/.exec(line);
    if (!m || SHOWN.test(m[1])) continue;
    const labels = [...m[2].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)];
    const version = labels.find((l) => l[1] === 'model_version')?.[2];
    if (version === undefined) continue;
    const rest = labels.filter((l) => l[1] !== 'model_version').map((l) => `${l[1]}="${l[2]}"`);
    const list = into.get(version) ?? [];
    list.push(`${m[1]}${rest.length > 0 ? `{${rest.join(',')}}` : ''} ${m[3]}`);
    into.set(version, list);
  }
  return into;
}

/** GET `url` with a bound on the wait; the body, or an Error saying why not. */
async function fetchText(url: string, timeoutMs: number): Promise<string | Error> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return new Error(`HTTP ${res.status}`);
    return await res.text();
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** What `models status` reports. */
export interface ModelsStatus {
  readonly registry: { readonly champion: string | null; readonly shadows: readonly string[] };
  readonly workers: readonly LiveStatus[];
  /** Per worker instance: its model_version series, or why its /metrics could not be read. */
  readonly scores: Readonly<Record<string, Record<string, string[]> | { error: string }>>;
}

/** Reads the registry's champion and shadows, the workers' published live sets, and their /metrics. */
export async function modelsStatus(config: ServiceConfig, registry: ModelRegistry, opts: { group?: string; timeoutMs: number }): Promise<ModelsStatus> {
  const [champion, shadows] = await Promise.all([registry.champion(), registry.shadows()]);
  const redis = openStatusClient(config);
  let workers: LiveStatus[];
  try {
    workers = await readLiveStatuses(redis, config.redis.keyPrefix, opts.group);
  } finally {
    redis.disconnect();
  }
  const scores: Record<string, Record<string, string[]> | { error: string }> = {};
  await Promise.all(
    workers.map(async (w) => {
      const text = await fetchText(`${w.metricsUrl}/metrics`, opts.timeoutMs);
      scores[w.instance] = text instanceof Error ? { error: `cannot read ${w.metricsUrl}/metrics: ${text.message}` } : Object.fromEntries(scoresFromMetrics(text));
    }),
  );
  return { registry: { champion, shadows }, workers, scores };
}

/** The status as text: the registry's view, one row per worker, then each worker's series by version. */
export function formatModelsStatus(s: ModelsStatus): string {
  const lines = [`registry: champion ${s.registry.champion ?? 'none'}; shadows ${s.registry.shadows.length > 0 ? s.registry.shadows.join(', ') : 'none'}`];
  if (s.workers.length === 0) {
    lines.push('no running worker publishes its live models (workers publish them with model.followRegistry: true)');
    return lines.join('\n');
  }
  lines.push(
    '',
    formatTable(
      ['group', 'instance', 'partitions', 'champion', 'shadows', 'note', 'updated'],
      s.workers.map((w) => [
        w.group, w.instance, w.partitions.join(',') || '-', w.champion, w.shadows.join(', ') || '-',
        w.registryChampion !== null ? `registry champion ${w.registryChampion} not served (see its log)` : '', w.updatedAt,
      ]),
    ).trimEnd(),
  );
  for (const w of s.workers) {
    const sc = s.scores[w.instance];
    if (sc === undefined) continue;
    lines.push('', `${w.instance} (${w.metricsUrl}):`);
    if ('error' in sc && typeof sc.error === 'string') {
      lines.push(`  ${sc.error}`);
      continue;
    }
    const versions = [w.champion, ...w.shadows];
    for (const v of versions) {
      const series = (sc as Record<string, string[]>)[v] ?? [];
      lines.push(`  ${v === w.champion ? 'champion' : 'shadow'} ${v}: ${series.length === 0 ? 'no live score or drift series yet' : ''}`);
      for (const line of series) lines.push(`    ${line}`);
    }
  }
  return lines.join('\n');
}
