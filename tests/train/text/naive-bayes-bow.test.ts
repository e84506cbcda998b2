import { describe, expect, it } from 'vitest';
import { NaiveBayesBow } from '../../../src/train/text/naive-bayes-bow.js';

describe('NaiveBayesBow', () => {
  it('gives log P(c) + Σ log (count(w,c) + 1) / (tokens(c) + V), checked by hand', () => {
    // V = 3 ids. Class 0: [1, 1, 2]; class 0: [1]; class 1: [2, 2].
    const nb = new NaiveBayesBow(3, 2, [
      { ids: Int32Array.of(1, 1, 2), label: 0 },
      { ids: Int32Array.of(1), label: 0 },
      { ids: Int32Array.of(2, 2), label: 1 },
    ]);
    const out = new Float64Array(2);
    nb.logJoint(Int32Array.of(1, 2, 0), out);
    // Class 0: prior 2/3; 4 tokens: P(0)=1/7, P(1)=4/7, P(2)=2/7. Class 1: prior 1/3; 2 tokens: P(0)=1/5, P(1)=1/5, P(2)=3/5.
    expect(out[0]).toBeCloseTo(Math.log((2 / 3) * (4 / 7) * (2 / 7) * (1 / 7)), 12);
    expect(out[1]).toBeCloseTo(Math.log((1 / 3) * (1 / 5) * (3 / 5) * (1 / 5)), 12);
  });
});
