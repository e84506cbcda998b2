import { stat } from 'node:fs/promises';
import type { ServiceConfig } from '../config/service-config.js';
import { loadModel, type LoadedModel } from '../model/load-model.js';
import { openRegistry } from '../service/open-registry.js';

/** A registry version id or prefix, as `models list` prints it. */
const VERSION_PATTERN = /^[0-9a-f]{4,64}$/;

/**
 * Loads `--model`: a manifest path, or a registry version (4+ hex digits, as `models list`
 * prints; a prefix is enough when unique) of the configuration's registry. An existing file of
 * that name wins, so a manifest called `abcd` stays usable.
 */
export async function resolveModel(model: string, config: Pick<ServiceConfig, 'registry' | 'redis'>): Promise<LoadedModel> {
  if (!VERSION_PATTERN.test(model) || (await isFile(model))) return loadModel(model);
  const registry = openRegistry(config);
  try {
    return await loadModel(await registry.open(model));
  } finally {
    await registry.close();
  }
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}
