import { describe, expect, it } from 'vitest';
import { relu, sigmoid } from '../../../src/model/kernels/activations.js';

describe('sigmoid', () => {
  it('is 1/2 at 0 and 3/4 at ln 3', () => {
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(Math.log(3))).toBeCloseTo(0.75, 15);
  });

  it('is symmetric: sigmoid(x) + sigmoid(-x) = 1', () => {
    for (const x of [0.1, 1, 2.5, 7]) expect(sigmoid(x) + sigmoid(-x)).toBeCloseTo(1, 15);
  });

  it('saturates to exactly 0 and 1 without NaN for huge inputs', () => {
    expect(sigmoid(1000)).toBe(1);
    expect(sigmoid(-1000)).toBe(0);
    expect(sigmoid(Infinity)).toBe(1);
    expect(sigmoid(-Infinity)).toBe(0);
  });
});

describe('relu', () => {
  it('passes positives and zeroes negatives', () => {
    expect(relu(2.5)).toBe(2.5);
    expect(relu(-2.5)).toBe(0);
    expect(relu(0)).toBe(0);
  });
});
