import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../src/model/random.js';
import { accumulateMatVec } from '../../../src/train/kernels/accumulate-mat-vec.js';
import { accumulateWeightGrad } from '../../../src/train/kernels/accumulate-weight-grad.js';
import { affine64 } from '../../../src/train/kernels/affine64.js';
import { transposeInto } from '../../../src/train/kernels/transpose-into.js';

// Each kernel against the textbook double loop, for widths that exercise both the 4-way
// unrolled part and the remainder (1..9 columns).
const rng = new SeededRandom(11);
const rand = (n: number) => Float64Array.from({ length: n }, () => rng.normal());

describe('training kernels', () => {
  for (let cols = 1; cols <= 9; cols++) {
    it(`affine64, accumulateMatVec and accumulateWeightGrad match the plain sums (${cols} columns)`, () => {
      const rows = 3;
      const W = rand(rows * cols);
      const x = rand(cols + 2);
      const b = rand(rows);
      const out = new Float64Array(rows + 1);
      affine64(W, rows, cols, x, 2, b, out, 1);
      const acc = rand(rows);
      const accBefore = acc.slice();
      accumulateMatVec(W, rows, cols, x, 2, acc, 0);
      for (let i = 0; i < rows; i++) {
        let dot = 0;
        for (let j = 0; j < cols; j++) dot += W[i * cols + j] * x[2 + j];
        expect(out[i + 1]).toBeCloseTo(b[i] + dot, 13);
        expect(acc[i]).toBeCloseTo(accBefore[i] + dot, 13);
      }
      expect(out[0]).toBe(0);

      const n = 5;
      const stride = cols + 1;
      const dV = rand(n * rows);
      const X = rand(1 + n * stride);
      const dW = rand(rows * cols);
      const db = rand(rows);
      const dWBefore = dW.slice();
      const dbBefore = db.slice();
      accumulateWeightGrad(dW, db, rows, cols, dV, X, 1, stride, n);
      for (let i = 0; i < rows; i++) {
        let bias = 0;
        for (let s = 0; s < n; s++) bias += dV[s * rows + i];
        expect(db[i]).toBeCloseTo(dbBefore[i] + bias, 13);
        for (let j = 0; j < cols; j++) {
          let sum = 0;
          for (let s = 0; s < n; s++) sum += dV[s * rows + i] * X[1 + s * stride + j];
          expect(dW[i * cols + j]).toBeCloseTo(dWBefore[i * cols + j] + sum, 13);
        }
      }
    });
  }

  it('transposeInto writes Wᵀ', () => {
    const out = new Float64Array(6);
    transposeInto(Float64Array.of(1, 2, 3, 4, 5, 6), 2, 3, out);
    expect([...out]).toEqual([1, 4, 2, 5, 3, 6]);
  });
});
