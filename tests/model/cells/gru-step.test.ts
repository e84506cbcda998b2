import { describe, expect, it } from 'vitest';
import { gruStep } from '../../../src/model/cells/gru-step.js';
import { layerParams } from './layer-params.js';

const sigma = (a: number) => 1 / (1 + Math.exp(-a));
const scratch = () => [new Float32Array(3), new Float32Array(3)] as const;

/** One GRU step with H = 1 and one input; gate blocks are [r, z, n]. */
function step(weightIh: number[], weightHh: number[], biasIh: number[], biasHh: number[], x: number, h: number): number {
  const state = Float32Array.of(h);
  gruStep(layerParams(1, weightIh, weightHh, biasIh, biasHh), 1, Float32Array.of(x), 0, state, 0, ...scratch());
  return state[0];
}

describe('gruStep', () => {
  it('matches the GRU equations worked by hand for H = 1', () => {
    const x = 0.5;
    const h = 0.25;
    const got = step([1, -1, 2], [0.5, 1, -2], [0, 0.5, 0.25], [0.125, 0, 0.75], x, h);
    const r = sigma(1 * x + 0 + 0.5 * h + 0.125); // σ(0.75)
    const z = sigma(-1 * x + 0.5 + 1 * h + 0); // σ(0.25)
    const n = Math.tanh(2 * x + 0.25 + r * (-2 * h + 0.75)); // tanh(1.25 + 0.25 r)
    expect(got).toBeCloseTo((1 - z) * n + z * h, 7);
  });

  it('keeps h when the second gate block (z) saturates at 1', () => {
    expect(step([3, 0, 3], [3, 0, 3], [1, 50, 1], [0, 0, 0], 0.5, 0.3)).toBe(Math.fround(0.3));
  });

  it('ignores h in n when the first gate block (r) saturates at 0', () => {
    // z = 0 so h' = n = tanh(W_in x + b_in); W_hn = 5 would show if r let h through.
    expect(step([0, 0, 2], [0, 0, 5], [-50, -50, 0.25], [0, 0, 0], 0.5, 0.9)).toBe(Math.fround(Math.tanh(1.25)));
  });

  it('applies r to (W_hn h + b_hn) including the bias, as PyTorch does', () => {
    // r = σ(0) = 1/2, z = 0: PyTorch gives tanh(0 + 0.5 * 0.8); the paper's r ⊙ h form tanh(0.8).
    expect(step([0, 0, 0], [0, 0, 0], [0, -50, 0], [0, 0, 0.8], 1, 0)).toBe(Math.fround(Math.tanh(0.4)));
  });
});
