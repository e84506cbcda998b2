import { describe, expect, it } from 'vitest';
import { elmanStep } from '../../../src/model/cells/elman-step.js';
import { layerParams } from './layer-params.js';

// H = 2, one input: W_ih = [[1], [2]], W_hh = [[0.5, 0], [0, -1]], b_ih = [0.125, 0], b_hh = [0, 0.25].
const p = layerParams(1, [1, 2], [0.5, 0, 0, -1], [0.125, 0], [0, 0.25]);
const scratch = () => [new Float32Array(2), new Float32Array(2)] as const;

describe('elmanStep', () => {
  it('computes h = tanh(W_ih x + b_ih + W_hh h + b_hh)', () => {
    const state = Float32Array.of(0.5, -0.5);
    elmanStep(p, 2, false, Float32Array.of(0.5), 0, state, 0, ...scratch());
    // a0 = 0.5 + 0.125 + 0.25 = 0.875; a1 = 1 + 0.5 + 0.25 = 1.75.
    expect(state[0]).toBe(Math.fround(Math.tanh(0.875)));
    expect(state[1]).toBe(Math.fround(Math.tanh(1.75)));
  });

  it('uses relu when asked, zeroing negative pre-activations', () => {
    const state = Float32Array.of(0.5, 2);
    elmanStep(p, 2, true, Float32Array.of(0.5), 0, state, 0, ...scratch());
    // a0 = 0.875; a1 = 1 - 2 + 0.25 = -0.75.
    expect(Array.from(state)).toEqual([0.875, 0]);
  });

  it('reads x and h at their offsets and writes only its own h slice', () => {
    const x = Float32Array.of(9, 0.5);
    const state = Float32Array.of(7, 0.5, -0.5, 7);
    elmanStep(p, 2, false, x, 1, state, 1, ...scratch());
    expect(Array.from(state)).toEqual([7, Math.fround(Math.tanh(0.875)), Math.fround(Math.tanh(1.75)), 7]);
    expect(Array.from(x)).toEqual([9, 0.5]);
  });
});
