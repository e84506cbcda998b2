import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelFormatError } from '../../src/errors/index.js';
import { loadModel } from '../../src/model/load-model.js';
import type { ModelSpec } from '../../src/model/model-spec.js';
import { weightsBytes } from './weights-bytes.js';

const SPEC: ModelSpec = { cell: 'gru', inputSize: 3, hiddenSize: 8, numLayers: 2, outputSize: 2 };
const MANIFEST = { format: 'rnn-stream.model/v1', name: 'x', ...SPEC };

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rnn-stream-weights-'));
  await mkdir(join(dir, 'model'));
  await mkdir(join(dir, 'model', 'sub'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes model/x.json naming `weights`; returns its path. */
async function manifestNaming(weights: string): Promise<string> {
  const path = join(dir, 'model', 'x.json');
  await writeFile(path, JSON.stringify({ ...MANIFEST, weights }));
  return path;
}

async function loadError(path: string, options?: Parameters<typeof loadModel>[1]): Promise<ModelFormatError> {
  const err = await loadModel(path, options).then(
    () => expect.fail('loadModel succeeded'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ModelFormatError);
  return err as ModelFormatError;
}

describe('loadModel: where the weights may come from', () => {
  it('loads weights from a subfolder of the manifest folder', async () => {
    await writeFile(join(dir, 'model', 'sub', 'w.safetensors'), weightsBytes(SPEC));
    const loaded = await loadModel(await manifestNaming('sub/w.safetensors'));
    expect(loaded.weightsPath).toBe(join(dir, 'model', 'sub', 'w.safetensors'));
  });

  it('refuses a path that climbs out with ../, even though the file exists', async () => {
    await writeFile(join(dir, 'outside.safetensors'), weightsBytes(SPEC));
    const err = await loadError(await manifestNaming('../outside.safetensors'));
    expect(err.message).toContain(`"../outside.safetensors" must be a relative path inside the manifest's folder`);
    expect(err.message).toContain('model.allowWeightsOutsideManifestDir');
  });

  it('refuses a path that climbs out in the middle (sub/../../x)', async () => {
    await writeFile(join(dir, 'outside.safetensors'), weightsBytes(SPEC));
    const err = await loadError(await manifestNaming('sub/../../outside.safetensors'));
    expect(err.message).toContain('must be a relative path inside');
  });

  it('refuses an absolute path, even one inside the manifest folder', async () => {
    const inside = join(dir, 'model', 'w.safetensors');
    await writeFile(inside, weightsBytes(SPEC));
    const err = await loadError(await manifestNaming(inside));
    expect(err.message).toContain('must be a relative path inside');
  });

  it('accepts a path outside the folder when explicitly allowed', async () => {
    await writeFile(join(dir, 'outside.safetensors'), weightsBytes(SPEC));
    const loaded = await loadModel(await manifestNaming('../outside.safetensors'), { allowWeightsOutsideManifestDir: true });
    expect(loaded.weightsPath).toBe(join(dir, 'outside.safetensors'));
  });

  it('refuses /dev/zero as not a regular file, before reading it', async () => {
    const err = await loadError(await manifestNaming('/dev/zero'), { allowWeightsOutsideManifestDir: true });
    expect(err.message).toBe('/dev/zero: weights is not a regular file');
  });

  it('refuses a directory as weights', async () => {
    const err = await loadError(await manifestNaming('sub'));
    expect(err.message).toContain('weights is not a regular file');
  });

  it('refuses a weights file above the size cap, naming the size and the limit', async () => {
    const bytes = weightsBytes(SPEC);
    await writeFile(join(dir, 'model', 'w.safetensors'), bytes);
    const err = await loadError(await manifestNaming('w.safetensors'), { maxWeightsBytes: bytes.length - 1 });
    expect(err.message).toContain(`weights file has ${bytes.length} bytes, more than the limit of ${bytes.length - 1} (model.maxWeightsBytes)`);
    const loaded = await loadModel(await manifestNaming('w.safetensors'), { maxWeightsBytes: bytes.length });
    expect(loaded.model).toBeDefined();
  });
});
