import { describe, expect, it } from 'vitest';
import { normalisationStats } from '../../src/train/normalisation-stats.js';

describe('normalisationStats', () => {
  it('uses only rows below each series\' limit (and in the mask), population std, std 1 for a constant column', () => {
    const a = Float64Array.from([1, 5, 3, 5, 100, 5]); // rows (1,5) (3,5) | (100,5)
    const b = Float64Array.from([5, 5, 7, 5]); // rows (5,5) | (7,5) masked out
    const stats = normalisationStats([a, b], [2, 2], 2, [Uint8Array.from([1, 1, 1]), Uint8Array.from([1, 0])]);
    // column 0 over 1, 3, 5: mean 3, population variance 8/3
    expect(stats.mean[0]).toBe(3);
    expect(stats.std[0]).toBeCloseTo(Math.sqrt(8 / 3), 14);
    expect(stats.mean[1]).toBe(5);
    expect(stats.std[1]).toBe(1);
  });
});
