import { describe, expect, it } from 'vitest';
import { initParams } from '../../src/model/init-params.js';
import { paramsToTensors } from '../../src/model/model-params.js';
import { tensorShapes, type ModelSpec } from '../../src/model/model-spec.js';
import { SeededRandom } from '../../src/model/random.js';

const spec: ModelSpec = { cell: 'lstm', inputSize: 3, hiddenSize: 64, numLayers: 2, outputSize: 2 };

describe('initParams', () => {
  it('gives every tensor the element count of its PyTorch shape', () => {
    const tensors = paramsToTensors(spec, initParams(spec, new SeededRandom(1)));
    for (const { name, shape } of tensorShapes(spec)) {
      expect(tensors.get(name)!.length, name).toBe(shape.reduce((a, b) => a * b, 1));
    }
  });

  it('draws from U(-1/sqrt(H), 1/sqrt(H)) like PyTorch', () => {
    const k = 1 / Math.sqrt(spec.hiddenSize);
    const values = [...paramsToTensors(spec, initParams(spec, new SeededRandom(2))).values()].flatMap((t) => Array.from(t));
    expect(values.length).toBeGreaterThan(50_000);
    // Float32 storage may round a draw just below k up to the nearest float32.
    expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(k * (1 + 2 ** -23));
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
    expect(Math.abs(mean)).toBeLessThan(0.01 * k);
    // Variance of U(-k, k) is k^2 / 3.
    expect(variance / (k * k / 3)).toBeGreaterThan(0.97);
    expect(variance / (k * k / 3)).toBeLessThan(1.03);
  });

  it('is reproducible from the seed and differs between seeds', () => {
    const a = initParams(spec, new SeededRandom(5));
    expect(initParams(spec, new SeededRandom(5))).toEqual(a);
    expect(initParams(spec, new SeededRandom(6)).headWeight).not.toEqual(a.headWeight);
  });
});
