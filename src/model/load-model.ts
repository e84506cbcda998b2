import { createHash } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { ModelFormatError } from '../errors/index.js';
import { manifestSchema, type ModelManifest } from './manifest.js';
import { paramsFromTensors } from './model-params.js';
import { tensorShapes, validateSpec } from './model-spec.js';
import { RnnModel } from './rnn-model.js';
import { Vocabulary } from './vocabulary.js';
import { parseSafetensors } from './safetensors.js';

/** A model ready to run: its manifest, the network, and the version stamped on its outputs. */
export interface LoadedModel {
  readonly manifest: ModelManifest;
  readonly model: RnnModel;
  /** Token models: `embedding.weight`, vocabulary size x inputSize, row-major. */
  readonly embedding?: Float32Array;
  /** `manifest.version`, or the first 12 hex digits of the weights file's SHA-256. */
  readonly version: string;
  readonly manifestPath: string;
  readonly weightsPath: string;
}

/** Validates a parsed manifest object; errors name the field and the rule. */
export function parseManifest(raw: unknown, file?: string): ModelManifest {
  const result = manifestSchema.safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new ModelFormatError(`invalid manifest: ${issues}`, { file });
  }
  const m = result.data;
  validateSpec(m, file);
  const inputs = m.features.kind === 'market' ? m.features.inputs.length : m.inputSize;
  if (inputs !== m.inputSize) {
    throw new ModelFormatError(`features.inputs has ${inputs} entries but inputSize is ${m.inputSize}`, { file });
  }
  if (m.features.kind === 'token') {
    try {
      new Vocabulary(m.features.vocabulary);
    } catch (err) {
      throw new ModelFormatError(`features.${(err as Error).message}`, { file });
    }
    if (m.normalisation) throw new ModelFormatError('normalisation does not apply to a token model (its inputs are embedding rows)', { file });
  }
  const norm = m.normalisation;
  if (norm && (norm.mean.length !== m.inputSize || norm.std.length !== m.inputSize)) {
    throw new ModelFormatError(`normalisation.mean and .std must have inputSize (${m.inputSize}) entries`, { file });
  }
  for (const field of ['names', 'mean', 'std'] as const) {
    const v = m.output?.[field];
    if (v && v.length !== m.outputSize) {
      throw new ModelFormatError(`output.${field} must have outputSize (${m.outputSize}) entries, got ${v.length}`, { file });
    }
  }
  return m;
}

/** Name of a token model's embedding tensor, as torch.nn.Embedding stores it in a module `embedding`. */
export const EMBEDDING_TENSOR = 'embedding.weight';

/**
 * Builds the network from a manifest and the bytes of its weights file. Checks every tensor's
 * name, shape, dtype and finiteness; float64 tensors are rounded to float32.
 */
export function modelFromBytes(manifest: ModelManifest, weights: Uint8Array, file?: string): RnnModel {
  return weightsFromBytes(manifest, weights, file).model;
}

/**
 * The network and (token models) the embedding table from a manifest and the bytes of its
 * weights file: the tensors of a PyTorch module with `embedding = nn.Embedding(V, inputSize)`
 * (token models only), `rnn` and `head`. Checks as {@link modelFromBytes}.
 */
export function weightsFromBytes(manifest: ModelManifest, weights: Uint8Array, file?: string): { model: RnnModel; embedding?: Float32Array } {
  const parsed = parseSafetensors(weights, file);
  const expected = new Map(tensorShapes(manifest).map((t) => [t.name, t.shape]));
  if (manifest.features.kind === 'token') expected.set(EMBEDDING_TENSOR, [manifest.features.vocabulary.tokens.length, manifest.inputSize]);
  const tensors = new Map<string, Float32Array>();
  for (const [name, t] of parsed.tensors) {
    const shape = expected.get(name);
    if (!shape) {
      throw new ModelFormatError(
        `unexpected tensor for a ${manifest.numLayers}-layer ${manifest.cell} model; expected: ${[...expected.keys()].join(', ')}`,
        { file, tensor: name },
      );
    }
    if (shape.length !== t.shape.length || shape.some((d, i) => d !== t.shape[i])) {
      throw new ModelFormatError(`shape [${t.shape.join(', ')}], expected [${shape.join(', ')}]`, { file, tensor: name });
    }
    const data = t.data instanceof Float32Array ? t.data : Float32Array.from(t.data);
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) {
        throw new ModelFormatError(`value ${t.data[i]} at index ${i} is not finite in float32`, { file, tensor: name });
      }
    }
    tensors.set(name, data);
  }
  for (const name of expected.keys()) {
    if (!tensors.has(name)) throw new ModelFormatError('missing tensor', { file, tensor: name });
  }
  const embedding = tensors.get(EMBEDDING_TENSOR);
  tensors.delete(EMBEDDING_TENSOR);
  return { model: new RnnModel(manifest, paramsFromTensors(manifest, tensors, file)), ...(embedding ? { embedding } : {}) };
}

/** Default cap on a weights file's size, bytes (1 GiB: far above any model this service runs). */
export const DEFAULT_MAX_WEIGHTS_BYTES = 1024 * 1024 * 1024;

/** Limits on the weights file a manifest may name. */
export interface LoadModelOptions {
  /** Accept a `weights` path that is absolute or leaves the manifest's folder (default false). */
  readonly allowWeightsOutsideManifestDir?: boolean;
  /** Largest accepted weights file, bytes (default DEFAULT_MAX_WEIGHTS_BYTES). */
  readonly maxWeightsBytes?: number;
}

/**
 * Resolves the manifest's `weights` path. Unless allowed, it must be relative and stay inside the
 * manifest's folder (no absolute path, no `..` climbing out), so a manifest cannot point the
 * service at an arbitrary file.
 */
export function resolveWeightsPath(manifestPath: string, weights: string, allowOutside = false): string {
  const dir = dirname(manifestPath);
  const path = resolve(dir, weights);
  if (allowOutside) return path;
  const rel = relative(dir, path);
  if (isAbsolute(weights) || rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new ModelFormatError(
      `weights path ${JSON.stringify(weights)} must be a relative path inside the manifest's folder (set model.allowWeightsOutsideManifestDir to allow others)`,
      { file: manifestPath },
    );
  }
  return path;
}

/**
 * Reads the weights file after checking, on the open descriptor, that it is a regular file no
 * larger than the cap (so `/dev/zero`, a FIFO or a huge file is refused before any byte is read).
 */
async function readWeights(path: string, maxBytes: number): Promise<Uint8Array> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (cause) {
    throw new ModelFormatError('cannot read weights file named by the manifest', { file: path }, { cause });
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new ModelFormatError('weights is not a regular file', { file: path });
    if (stat.size > maxBytes) {
      throw new ModelFormatError(`weights file has ${stat.size} bytes, more than the limit of ${maxBytes} (model.maxWeightsBytes)`, { file: path });
    }
    const bytes = new Uint8Array(stat.size);
    let read = 0;
    while (read < bytes.length) {
      const { bytesRead } = await handle.read(bytes, read, bytes.length - read, read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    if (read !== bytes.length) throw new ModelFormatError(`weights file shrank while read (${read} of ${stat.size} bytes)`, { file: path });
    return bytes;
  } catch (cause) {
    if (cause instanceof ModelFormatError) throw cause;
    throw new ModelFormatError('cannot read weights file named by the manifest', { file: path }, { cause });
  } finally {
    await handle.close();
  }
}

/** Reads a manifest and its weights from disk and builds the model. */
export async function loadModel(manifestPath: string, options: LoadModelOptions = {}): Promise<LoadedModel> {
  const path = resolve(manifestPath);
  let text: string;
  try {
    text = await readFile(path, 'utf-8');
  } catch (cause) {
    throw new ModelFormatError('cannot read manifest', { file: path }, { cause });
  }
  let raw: unknown;
  try {
    // A leading UTF-8 byte-order mark (as some editors write) is not JSON.
    raw = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (cause) {
    throw new ModelFormatError('manifest is not valid JSON', { file: path }, { cause });
  }
  const manifest = parseManifest(raw, path);
  const weightsPath = resolveWeightsPath(path, manifest.weights, options.allowWeightsOutsideManifestDir ?? false);
  const bytes = await readWeights(weightsPath, options.maxWeightsBytes ?? DEFAULT_MAX_WEIGHTS_BYTES);
  const { model, embedding } = weightsFromBytes(manifest, bytes, weightsPath);
  const version = manifest.version ?? createHash('sha256').update(bytes).digest('hex').slice(0, 12);
  return { manifest, model, ...(embedding ? { embedding } : {}), version, manifestPath: path, weightsPath };
}
