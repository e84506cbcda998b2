import { describe, expect, it } from 'vitest';
import { mseLoss } from '../../../src/train/losses/mse-loss.js';

describe('mseLoss', () => {
  it('returns the sum of squared errors and writes scale × 2(y - t)', () => {
    const grad = new Float64Array(2);
    const sum = mseLoss.step(Float64Array.of(1, 2), 0, Float64Array.of(0, 4), 0, 2, grad, 0, 0.5);
    expect(sum).toBe(5);
    expect([...grad]).toEqual([1, -2]);
  });

  it('reads and writes at the given offsets only', () => {
    const grad = new Float64Array([9, 9, 9, 9]);
    const sum = mseLoss.step(Float64Array.of(7, 3), 1, Float64Array.of(5, 5, 1), 2, 1, grad, 2, 1);
    expect(sum).toBe(4);
    expect([...grad]).toEqual([9, 9, 4, 9]);
  });

  it('counts one term per output and reads outputSize targets per step', () => {
    expect(mseLoss.termsPerStep(3)).toBe(3);
    expect(mseLoss.targetWidth(3)).toBe(3);
  });
});
