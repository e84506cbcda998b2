import { describe, expect, it } from 'vitest';
import { manifestSchema } from '../../src/model/manifest.js';
import { decodeOutput } from '../../src/records/prediction.js';

const base = { format: 'rnn-stream.model/v1', name: 'm', cell: 'gru', inputSize: 1, hiddenSize: 2, numLayers: 1, outputSize: 1, weights: 'm.safetensors' };

describe('decodeOutput', () => {
  it('reads a log_variance head as exp(out) × std + mean, named', () => {
    const manifest = manifestSchema.parse({ ...base, output: { names: ['variance'], mean: [0], std: [2e-5], decode: 'log_variance' } });
    const out = Float32Array.of(0.5);
    const decoded = decodeOutput(manifest, out) as Record<string, number>;
    expect(decoded.variance).toBeCloseTo(Math.exp(out[0]) * 2e-5, 18);
  });

  it('reads an identity head as out × std + mean', () => {
    const manifest = manifestSchema.parse({ ...base, output: { mean: [1], std: [3] } });
    expect(decodeOutput(manifest, Float32Array.of(0.5))).toEqual([2.5]);
  });
});
