import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { RnnStreamError } from '../errors/index.js';
import type { ModelVersionInfo } from './model-registry.js';

/** The bytes of a model to register, its version id and what the registry records of it. */
export interface ModelArtifact {
  readonly version: string;
  /** The manifest as stored: `version` set to the id, `weights` to {@link STORED_WEIGHTS}. */
  readonly manifest: string;
  readonly weights: Buffer;
  readonly info: Omit<ModelVersionInfo, 'registeredAt'>;
}

/** File name of the weights inside a stored version. */
export const STORED_WEIGHTS = 'model.safetensors';

/** Characters of the SHA-256 hex digest that make a version id. */
export const VERSION_LENGTH = 16;

/** Reads a saved model (manifest + weights) and computes its content address. */
export async function readModelArtifact(manifestPath: string, extraProvenance: Readonly<Record<string, unknown>> = {}): Promise<ModelArtifact> {
  let manifestBytes: Buffer;
  let manifest: Record<string, unknown>;
  try {
    manifestBytes = await readFile(manifestPath);
    manifest = JSON.parse(manifestBytes.toString('utf-8').replace(/^\ufeff/, '')) as Record<string, unknown>;
  } catch (cause) {
    throw new RnnStreamError(`cannot read the model manifest ${manifestPath}`, { cause });
  }
  if (typeof manifest.weights !== 'string' || typeof manifest.name !== 'string') throw new RnnStreamError(`${manifestPath} is not a model manifest (no "name" or "weights")`);
  const weightsPath = join(dirname(manifestPath), manifest.weights);
  let weights: Buffer;
  try {
    weights = await readFile(weightsPath);
  } catch (cause) {
    throw new RnnStreamError(`cannot read the model weights ${weightsPath}`, { cause });
  }
  const version = createHash('sha256').update(manifestBytes).update(weights).digest('hex').slice(0, VERSION_LENGTH);
  const stored = { ...manifest, version, weights: STORED_WEIGHTS };
  const output = manifest.output as { target?: unknown } | undefined;
  return {
    version,
    manifest: `${JSON.stringify(stored, null, 2)}\n`,
    weights,
    info: {
      version,
      name: manifest.name,
      target: typeof output?.target === 'string' ? output.target : null,
      provenance: { ...((manifest.provenance as Record<string, unknown> | undefined) ?? {}), ...extraProvenance },
      metrics: (manifest.metrics as Record<string, unknown> | undefined) ?? {},
    },
  };
}

/** The one version whose id starts with `prefix` (>= 4 characters), or an error naming the problem. */
export function resolveVersion(prefix: string, versions: readonly string[]): string {
  if (!/^[0-9a-f]{4,64}$/.test(prefix)) throw new RnnStreamError(`model version must be 4-${VERSION_LENGTH} hex digits; got ${JSON.stringify(prefix)}`);
  const matches = versions.filter((v) => v.startsWith(prefix));
  if (matches.length === 0) throw new RnnStreamError(`no model version ${prefix} in the registry`);
  if (matches.length > 1) throw new RnnStreamError(`model version ${prefix} is ambiguous: ${matches.join(', ')}`);
  return matches[0];
}
