import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelFormatError } from '../errors/index.js';
import { EMBEDDING_TENSOR } from './load-model.js';
import { MODEL_FORMAT, type ModelManifestInput } from './manifest.js';
import { paramsToTensors } from './model-params.js';
import { tensorShapes } from './model-spec.js';
import type { RnnModel } from './rnn-model.js';
import { serializeSafetensors } from './safetensors.js';

/** Paths written by {@link saveModel}. */
export interface SavedModel {
  readonly manifestPath: string;
  readonly weightsPath: string;
}

/**
 * Writes `<dir>/<name>.json` and `<dir>/<name>.safetensors`. The weights use PyTorch's tensor
 * names and shapes, so `model.load_state_dict(safetensors.torch.load_file(...))` loads them into
 * `rnn = nn.<Cell>(..., batch_first=True)` + `head = nn.Linear(...)`; a token model's
 * `embedding` table (vocabulary size x inputSize) is written first as `embedding.weight`.
 */
export async function saveModel(
  dir: string,
  manifest: { name: string } & Omit<ModelManifestInput, 'format' | 'weights' | 'cell' | 'inputSize' | 'hiddenSize' | 'numLayers' | 'outputSize'>,
  model: RnnModel,
  embedding?: Float32Array,
): Promise<SavedModel> {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/.test(manifest.name)) {
    throw new ModelFormatError(`model name ${JSON.stringify(manifest.name)} must be 1-200 of [A-Za-z0-9._-], starting alphanumeric (it names the files)`);
  }
  await mkdir(dir, { recursive: true });
  const weightsFile = `${manifest.name}.safetensors`;
  const shapes = new Map(tensorShapes(model.spec).map((t) => [t.name, t.shape]));
  const tensors = new Map<string, { shape: readonly number[]; data: Float32Array }>();
  if (embedding) tensors.set(EMBEDDING_TENSOR, { shape: [embedding.length / model.spec.inputSize, model.spec.inputSize], data: embedding });
  for (const [name, data] of paramsToTensors(model.spec, model.params)) tensors.set(name, { shape: shapes.get(name)!, data });
  const weightsPath = join(dir, weightsFile);
  const manifestPath = join(dir, `${manifest.name}.json`);
  await writeFile(weightsPath, serializeSafetensors(tensors, { format: 'pt' }));
  const { cell, inputSize, hiddenSize, numLayers, outputSize } = model.spec;
  const full = { format: MODEL_FORMAT, ...manifest, cell, inputSize, hiddenSize, numLayers, outputSize, weights: weightsFile };
  await writeFile(manifestPath, `${JSON.stringify(full, null, 2)}\n`);
  return { manifestPath, weightsPath };
}
