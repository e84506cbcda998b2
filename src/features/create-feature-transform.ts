import { ModelFormatError } from '../errors/index.js';
import type { ModelManifest } from '../model/manifest.js';
import type { FeatureTransform } from './feature-transform.js';
import { MEM_PREV_PRICE, MEM_PREV_TS, MEM_SEEN } from './feature-memory.js';
import { marketInput, type MarketInput } from './market-features.js';

/**
 * The feature transform a manifest describes: `vector` copies an event's features, `market`
 * derives them from ticks (market-features.ts). Either way the manifest's normalisation
 * (x - mean) / std is applied last, so training and serving share exactly one code path.
 * `token` copies row `id` of `embedding` (vocabulary size x inputSize), as nn.Embedding does.
 */
export function createFeatureTransform(manifest: ModelManifest, embedding?: Float32Array): FeatureTransform {
  const n = manifest.inputSize;
  if (manifest.features.kind === 'token') {
    if (!embedding || embedding.length !== manifest.features.vocabulary.tokens.length * n) {
      throw new ModelFormatError(`a token model needs its embedding table (${manifest.features.vocabulary.tokens.length} x ${n})`, { tensor: 'embedding.weight' });
    }
    return {
      inputSize: n,
      apply(event, memory, out) {
        const row = event.kind === 'token' ? event.id * n : -1;
        for (let i = 0; i < n; i++) out[i] = row < 0 ? 0 : embedding[row + i];
        memory[MEM_PREV_TS] = event.ts;
        memory[MEM_SEEN] = 1;
      },
    };
  }
  const mean = manifest.normalisation ? Float64Array.from(manifest.normalisation.mean) : new Float64Array(n);
  const std = manifest.normalisation ? Float64Array.from(manifest.normalisation.std) : new Float64Array(n).fill(1);
  const inputs: readonly MarketInput[] | null = manifest.features.kind === 'market' ? manifest.features.inputs : null;
  return {
    inputSize: n,
    apply(event, memory, out, logReturn) {
      for (let i = 0; i < n; i++) {
        const raw = inputs ? marketInput(inputs[i], event, memory, logReturn) : event.kind === 'vector' ? event.features[i] : 0;
        out[i] = (raw - mean[i]) / std[i];
      }
      if (event.kind === 'tick') memory[MEM_PREV_PRICE] = event.price;
      memory[MEM_PREV_TS] = event.ts;
      memory[MEM_SEEN] = 1;
    },
  };
}
