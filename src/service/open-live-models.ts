import type { Logger } from 'pino';
import type { ServiceConfig } from '../config/service-config.js';
import { ConfigError } from '../errors/index.js';
import { loadModel } from '../model/load-model.js';
import type { ModelRegistry } from '../registry/model-registry.js';
import { eventShapeMismatch } from '../runtime/event-shape.js';
import { LiveModels } from '../runtime/live-models.js';
import { ModelRuntime } from '../runtime/model-runtime.js';
import { openRegistry } from './open-registry.js';

/** The live models of a starting worker, and the registry it follows (null: a fixed model). */
export interface OpenedLiveModels {
  readonly models: LiveModels;
  readonly registry: ModelRegistry | null;
  /** Opens a registry version as a runtime (throws without a registry). */
  readonly load: (version: string) => Promise<ModelRuntime>;
}

/**
 * The models `rnn-stream run` starts with. Without model.followRegistry: model.manifest, alone
 * (model.shadows must then be empty: shadows are registry versions). With it: the versions of
 * model.shadows are put on the registry's shadow list, then the registry's champion (or
 * model.manifest while there is none) and its shadows are loaded; a shadow that cannot be loaded
 * or reads other events is logged and left out (the follower retries it).
 */
export async function openLiveModels(config: Pick<ServiceConfig, 'model' | 'registry' | 'redis'>, logger: Logger): Promise<OpenedLiveModels> {
  const m = config.model;
  const loadOptions = { allowWeightsOutsideManifestDir: m.allowWeightsOutsideManifestDir, maxWeightsBytes: m.maxWeightsBytes };
  const runtimeOf = async (manifestPath: string) => new ModelRuntime(await loadModel(manifestPath, loadOptions), { recentInputs: m.warmStartInputs });
  if (!m.followRegistry) {
    if (m.shadows.length > 0) throw new ConfigError('model.shadows needs model.followRegistry: true (shadows are registry versions)', { key: 'model.shadows' });
    if (m.manifest === null) throw new ConfigError('model.manifest is not set: `run` needs a model (config file, or RNN_STREAM_MODEL_MANIFEST)', { key: 'model.manifest' });
    return { models: new LiveModels(await runtimeOf(m.manifest)), registry: null, load: () => Promise.reject(new ConfigError('no registry is followed', { key: 'model.followRegistry' })) };
  }
  const registry = openRegistry(config);
  try {
    const load = async (version: string) => runtimeOf(await registry.open(version));
    for (const version of m.shadows) await registry.addShadow(version, 'model.shadows in the configuration');
    const champion = await registry.champion();
    if (champion === null && m.manifest === null) {
      throw new ConfigError('model.followRegistry is on, but the registry has no champion yet and model.manifest is not set (promote a version, or set a manifest to serve until then)', { key: 'model.manifest' });
    }
    const served = champion !== null ? await load(champion) : await runtimeOf(m.manifest as string);
    const shadows: ModelRuntime[] = [];
    for (const version of await registry.shadows()) {
      try {
        const shadow = await load(version);
        const mismatch = eventShapeMismatch(served.shape, shadow.shape);
        if (mismatch === null) shadows.push(shadow);
        else logger.error({ version }, `shadow not run: ${mismatch}`);
      } catch (error) {
        logger.error({ err: error, version }, 'cannot load a shadow version; the registry follower tries again');
      }
    }
    logger.info({ champion: served.loaded.version, fromRegistry: champion !== null, shadows: shadows.map((s) => s.loaded.version) }, 'live models opened');
    return { models: new LiveModels(served, shadows), registry, load };
  } catch (error) {
    await registry.close();
    throw error;
  }
}
