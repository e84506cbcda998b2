import { describe, expect, it } from 'vitest';
import { clipGradNorm } from '../../../src/train/optim/clip-grad-norm.js';

describe('clipGradNorm', () => {
  it('returns the global L2 norm over all tensors and scales by max/(norm + 1e-6) above max', () => {
    const a = Float64Array.of(3, 0);
    const b = Float64Array.of(4);
    expect(clipGradNorm([a, b], 1)).toBe(5);
    const coef = 1 / (5 + 1e-6);
    expect([...a]).toEqual([3 * coef, 0]);
    expect([...b]).toEqual([4 * coef]);
  });

  it('leaves gradients below the threshold untouched', () => {
    const a = Float64Array.of(0.3, 0.4);
    expect(clipGradNorm([a], 1)).toBeCloseTo(0.5, 15);
    expect([...a]).toEqual([0.3, 0.4]);
  });

  it('only measures when maxNorm is 0 or absent', () => {
    const a = Float64Array.of(30, 40);
    expect(clipGradNorm([a], 0)).toBe(50);
    expect(clipGradNorm([a])).toBe(50);
    expect([...a]).toEqual([30, 40]);
  });
});
