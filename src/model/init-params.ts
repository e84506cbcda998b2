import type { ModelParams } from './model-params.js';
import { gateCount } from './cell-kind.js';
import type { ModelSpec } from './model-spec.js';
import type { SeededRandom } from './random.js';

/**
 * Fresh parameters drawn from PyTorch's default distributions, reproducibly from `rng`:
 * every recurrent weight and bias ~ U(-1/sqrt(H), 1/sqrt(H)) (torch.nn.RNNBase.reset_parameters);
 * head weight and bias ~ U(-1/sqrt(H), 1/sqrt(H)) (nn.Linear's kaiming_uniform(a=sqrt(5)) with
 * fan_in = H reduces to that bound). Same distribution as PyTorch, not the same numbers.
 */
export function initParams(spec: ModelSpec, rng: SeededRandom): ModelParams {
  const H = spec.hiddenSize;
  const k = 1 / Math.sqrt(H);
  const fill = (n: number): Float32Array => {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = rng.uniform(-k, k);
    return a;
  };
  const g = gateCount(spec.cell) * H;
  const layers = [];
  for (let l = 0; l < spec.numLayers; l++) {
    const inSize = l === 0 ? spec.inputSize : H;
    layers.push({ weightIh: fill(g * inSize), weightHh: fill(g * H), biasIh: fill(g), biasHh: fill(g), inSize });
  }
  return { layers, headWeight: fill(spec.outputSize * H), headBias: fill(spec.outputSize) };
}

/** A fresh embedding table (vocabSize x dim) ~ N(0, 1), nn.Embedding's default initialisation. */
export function initEmbedding(vocabSize: number, dim: number, rng: SeededRandom): Float32Array {
  const a = new Float32Array(vocabSize * dim);
  for (let i = 0; i < a.length; i++) a[i] = rng.normal();
  return a;
}
