import { describe, expect, it } from 'vitest';
import { transposeInto } from '../../../src/train/kernels/transpose-into.js';

describe('transposeInto', () => {
  it('writes Wᵀ', () => {
    const out = new Float64Array(6);
    transposeInto(Float64Array.of(1, 2, 3, 4, 5, 6), 2, 3, out);
    expect([...out]).toEqual([1, 4, 2, 5, 3, 6]);
  });
});
