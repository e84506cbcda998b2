import type { Logger } from 'pino';
import { RnnStreamError } from '../errors/index.js';
import type { LiveModelMetrics } from '../metrics/live-model-metrics.js';
import type { ModelRegistry } from '../registry/model-registry.js';
import { eventShapeMismatch } from '../runtime/event-shape.js';
import type { LiveModels } from '../runtime/live-models.js';
import type { ModelRuntime } from '../runtime/model-runtime.js';

/** What {@link followRegistry} needs. */
export interface FollowRegistryOptions {
  readonly registry: ModelRegistry;
  readonly models: LiveModels;
  /** Milliseconds between checks in case a change notification was missed (model.registryCheckMs). */
  readonly checkMs: number;
  /** Opens a registry version and makes its runtime (with the configured recent inputs). */
  readonly load: (version: string) => Promise<ModelRuntime>;
  readonly logger: Logger;
  readonly metrics: LiveModelMetrics;
  /** Called after every check, whatever it found (the live status is published from here). */
  readonly onChecked?: () => void;
}

/** A running follower. */
export interface RegistryFollower {
  /** Reads the registry's champion and shadows now and applies a change; resolves when done. */
  check(): Promise<void>;
  /** The registry's champion as last read (null before a successful read or while it has none). */
  registryChampion(): string | null;
  /** Stops listening and checking; waits for a check in progress. */
  stop(): Promise<void>;
}

/**
 * Keeps a worker's live models equal to the registry's champion and shadows: a check on every
 * change notification (Redis pub/sub; the filesystem registry polls its pointer file) and every
 * `checkMs` (a missed notification). A check loads the versions it does not run yet, then
 * replaces the live set as a whole; batches that start afterwards use it (each partition switches
 * at its next batch). Checks never overlap; a notification during a check runs one more after it.
 *
 * A champion that reads other events than the running one is refused (logged once per version,
 * counted); so is a shadow, which is then left out. A version that cannot be loaded is logged and
 * counted, and tried again at the next check. While the registry has no champion, nothing changes.
 */
export async function followRegistry(opts: FollowRegistryOptions): Promise<RegistryFollower> {
  const { registry, models, logger, metrics } = opts;
  const complained = new Set<string>();
  const complainOnce = (what: string, log: () => void): void => {
    if (complained.has(what)) return;
    complained.add(what);
    log();
  };

  let lastChampion: string | null = null;
  const checkOnce = async (): Promise<void> => {
    const [champion, shadows] = await Promise.all([registry.champion(), registry.shadows()]);
    lastChampion = champion;
    if (champion === null) return;
    const current = models.current();
    const running = new Map([current.champion, ...current.shadows].map((r) => [r.loaded.version, r]));
    if (current.champion.loaded.version === champion && sameList(current.shadows.map((s) => s.loaded.version), shadows)) return;
    const runtimeOf = async (version: string): Promise<ModelRuntime | null> => {
      const have = running.get(version);
      if (have) return have;
      try {
        return await opts.load(version);
      } catch (error) {
        metrics.swap('failed');
        complainOnce(`load ${version}`, () => logger.error({ err: error, version }, 'cannot load a registry version; trying again at the next check'));
        return null;
      }
    };
    const next = await runtimeOf(champion);
    if (next === null) return;
    const mismatch = eventShapeMismatch(current.champion.shape, next.shape);
    if (mismatch !== null) {
      metrics.swap('refused');
      complainOnce(`champion ${champion}`, () => logger.error({ version: champion, serving: current.champion.loaded.version }, `champion not served: ${mismatch}; keeps serving the running model`));
      return;
    }
    const nextShadows: ModelRuntime[] = [];
    for (const version of shadows) {
      const shadow = await runtimeOf(version);
      if (shadow === null) continue;
      const off = eventShapeMismatch(next.shape, shadow.shape);
      if (off !== null) {
        metrics.swap('refused');
        complainOnce(`shadow ${version}`, () => logger.error({ version }, `shadow not run: ${off}`));
        continue;
      }
      nextShadows.push(shadow);
    }
    const before = current.champion.loaded.version;
    models.replace({ champion: next, shadows: nextShadows });
    metrics.swap('applied');
    logger.info({ champion, previous: before, shadows: nextShadows.map((s) => s.loaded.version) }, 'live models changed; each partition switches at its next batch');
  };

  let inFlight: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  const check = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (inFlight) {
      again = true;
      return inFlight;
    }
    inFlight = (async () => {
      do {
        again = false;
        try {
          await checkOnce();
        } catch (error) {
          // The registry did not answer (Redis down, a file unreadable): the periodic check retries.
          logger.warn({ err: error }, 'cannot read the model registry; trying again at the next check');
        }
        opts.onChecked?.();
      } while (again && !stopped);
    })().finally(() => (inFlight = null));
    return inFlight;
  };

  const unwatch = await registry.watchChampion(() => void check());
  const timer = setInterval(() => void check(), opts.checkMs);
  timer.unref();
  await check();
  return {
    check,
    registryChampion: () => lastChampion,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await inFlight;
      await unwatch().catch((error: unknown) => {
        throw new RnnStreamError('cannot stop watching the model registry', { cause: error });
      });
    },
  };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
