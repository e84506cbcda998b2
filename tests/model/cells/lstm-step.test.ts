import { describe, expect, it } from 'vitest';
import { lstmStep } from '../../../src/model/cells/lstm-step.js';
import { layerParams } from './layer-params.js';

const sigma = (a: number) => 1 / (1 + Math.exp(-a));
const scratch = () => [new Float32Array(4), new Float32Array(4)] as const;

/** One LSTM step with H = 1 and one input; gate blocks are [i, f, g, o]. State is [h, c]. */
function step(weightIh: number[], weightHh: number[], biasIh: number[], biasHh: number[], x: number, h: number, c: number) {
  const state = Float32Array.of(h, c);
  lstmStep(layerParams(1, weightIh, weightHh, biasIh, biasHh), 1, Float32Array.of(x), 0, state, 0, 1, ...scratch());
  return { h: state[0], c: state[1] };
}

describe('lstmStep', () => {
  it('matches the LSTM equations worked by hand for H = 1', () => {
    const [x, h, c] = [0.5, 0.25, -0.5];
    const got = step([1, -1, 2, 0.5], [0.5, 1, -2, 1], [0, 0.5, 0.25, -0.25], [0.125, 0, 0.5, 0], x, h, c);
    const i = sigma(1 * x + 0 + 0.5 * h + 0.125); // σ(0.75)
    const f = sigma(-1 * x + 0.5 + 1 * h + 0); // σ(0.25)
    const g = Math.tanh(2 * x + 0.25 - 2 * h + 0.5); // tanh(1.25)
    const o = sigma(0.5 * x - 0.25 + 1 * h + 0); // σ(0.25)
    const cNext = f * c + i * g;
    expect(got.c).toBeCloseTo(cNext, 7);
    expect(got.h).toBeCloseTo(o * Math.tanh(cNext), 7);
  });

  it('carries c unchanged when f (block 1) is 1 and i (block 0) is 0', () => {
    const got = step([0, 0, 4, 0], [0, 0, 4, 0], [-50, 50, 1, 50], [0, 0, 0, 0], 0.5, 0.2, -0.75);
    expect(got.c).toBe(-0.75);
    expect(got.h).toBe(Math.fround(Math.tanh(-0.75)));
  });

  it('writes g (block 2) into c and gates tanh(c) with o (block 3)', () => {
    const got = step([0, 0, 0, 0], [0, 0, 0, 0], [50, -50, 0.5, 1], [0, 0, 0, 0], 0, 0, 0.9);
    expect(got.c).toBe(Math.fround(Math.tanh(0.5)));
    expect(got.h).toBeCloseTo(sigma(1) * Math.tanh(Math.tanh(0.5)), 7);
  });

  it('reads h and c at separate offsets and writes only those slices', () => {
    const p = layerParams(1, [0, 0, 0, 0], [0, 0, 0, 0], [-50, 50, 0, 50], [0, 0, 0, 0]);
    const state = Float32Array.of(7, 0.1, 7, 0.5, 7);
    lstmStep(p, 1, Float32Array.of(9, 0.3), 1, state, 1, 3, ...scratch());
    expect(Array.from(state)).toEqual([7, Math.fround(Math.tanh(0.5)), 7, 0.5, 7]);
  });
});
