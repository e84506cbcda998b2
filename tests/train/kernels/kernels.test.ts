import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../src/model/random.js';
import { accumulateColumnSums } from '../../../src/train/kernels/accumulate-column-sums.js';
import { accumulateWeightGrad } from '../../../src/train/kernels/accumulate-weight-grad.js';
import { gemmNT } from '../../../src/train/kernels/gemm-nt.js';
import { sparseRowsTimes } from '../../../src/train/kernels/sparse-rows-times.js';
import { sparseTransposeAccumulate } from '../../../src/train/kernels/sparse-transpose-accumulate.js';
import { transposeInto } from '../../../src/train/kernels/transpose-into.js';

// Each kernel against the textbook triple loop, for shapes that exercise the blocked parts and
// every remainder (rows of A mod 4, rows of W mod 2, columns mod 4), with offsets and
// accumulation, and untouched memory around the output checked.
const rng = new SeededRandom(11);
const rand = (n: number) => Float64Array.from({ length: n }, () => rng.normal());

describe('training kernels', () => {
  for (const M of [1, 3, 4, 5, 8, 9]) {
    for (const N of [1, 2, 3, 7]) {
      for (const K of [1, 4, 6]) {
        it(`gemmNT matches the plain sums (M ${M}, N ${N}, K ${K}), with and without bias and accumulation`, () => {
          const aOff = 3;
          const outOff = 2;
          const A = rand(aOff + M * K);
          const W = rand(N * K);
          const bias = rand(N);
          for (const [withBias, accumulate] of [[true, false], [false, true], [true, true]] as const) {
            const out = rand(outOff + M * N + 2);
            const before = out.slice();
            gemmNT(A, aOff, M, K, W, N, withBias ? bias : null, out, outOff, accumulate);
            for (let m = 0; m < M; m++) {
              for (let n = 0; n < N; n++) {
                let dot = 0;
                for (let k = 0; k < K; k++) dot += A[aOff + m * K + k] * W[n * K + k];
                const expected = (accumulate ? before[outOff + m * N + n] : 0) + (withBias ? bias[n] : 0) + dot;
                expect(out[outOff + m * N + n]).toBeCloseTo(expected, 12);
              }
            }
            expect([...out.subarray(0, outOff), ...out.subarray(outOff + M * N)]).toEqual([...before.subarray(0, outOff), ...before.subarray(outOff + M * N)]);
          }
        });
      }
    }
  }

  for (const rows of [1, 2, 3, 5]) {
    for (const cols of [1, 3, 4, 5, 9]) {
      it(`accumulateWeightGrad adds dVᵀ·X and the column sums of dV (${rows} rows, ${cols} columns)`, () => {
        const M = 7;
        const dV = rand(M * rows);
        const X = rand(M * cols);
        const dW = rand(rows * cols);
        const db = rand(rows);
        const dWBefore = dW.slice();
        const dbBefore = db.slice();
        accumulateWeightGrad(dW, db, rows, cols, dV, X, M, new Float64Array(rows * M), new Float64Array(cols * M));
        for (let i = 0; i < rows; i++) {
          let bias = 0;
          for (let m = 0; m < M; m++) bias += dV[m * rows + i];
          expect(db[i]).toBeCloseTo(dbBefore[i] + bias, 12);
          for (let j = 0; j < cols; j++) {
            let sum = 0;
            for (let m = 0; m < M; m++) sum += dV[m * rows + i] * X[m * cols + j];
            expect(dW[i * cols + j]).toBeCloseTo(dWBefore[i * cols + j] + sum, 12);
          }
        }
      });
    }
  }

  it('sparseRowsTimes equals bias + A·B and sparseTransposeAccumulate adds Aᵀ·D, for a mostly-zero A', () => {
    const [M, K, N] = [9, 7, 5];
    const A = new Float64Array(2 + M * K);
    for (let m = 0; m < M; m++) {
      A[2 + m * K + rng.int(K)] = 1;
      if (m % 3 === 0) A[2 + m * K + rng.int(K)] = rng.normal();
    }
    const B = rand(K * N);
    const bias = rand(N);
    const out = rand(1 + M * N);
    sparseRowsTimes(A, 2, M, K, B, N, bias, out, 1);
    const D = rand(M * N);
    const outT = rand(K * N);
    const before = outT.slice();
    sparseTransposeAccumulate(A, 2, M, K, D, N, outT);
    for (let m = 0; m < M; m++) {
      for (let n = 0; n < N; n++) {
        let dot = bias[n];
        for (let k = 0; k < K; k++) dot += A[2 + m * K + k] * B[k * N + n];
        expect(out[1 + m * N + n]).toBeCloseTo(dot, 12);
      }
    }
    for (let k = 0; k < K; k++) {
      for (let n = 0; n < N; n++) {
        let sum = before[k * N + n];
        for (let m = 0; m < M; m++) sum += A[2 + m * K + k] * D[m * N + n];
        expect(outT[k * N + n]).toBeCloseTo(sum, 12);
      }
    }
  });

  it('accumulateColumnSums adds the sum of every column', () => {
    const out = Float64Array.of(10, 20);
    accumulateColumnSums(Float64Array.of(1, 2, 3, 4, 5, 6), 3, 2, out);
    expect([...out]).toEqual([19, 32]);
  });

  it('transposeInto writes Wᵀ', () => {
    const out = new Float64Array(6);
    transposeInto(Float64Array.of(1, 2, 3, 4, 5, 6), 2, 3, out);
    expect([...out]).toEqual([1, 4, 2, 5, 3, 6]);
  });
});
