import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../src/model/random.js';
import { sparseRowsTimes } from '../../../src/train/kernels/sparse-rows-times.js';
import { sparseTransposeAccumulate } from '../../../src/train/kernels/sparse-transpose-accumulate.js';
import { transposeInto } from '../../../src/train/kernels/transpose-into.js';

// The JavaScript kernels against the textbook loops (the WebAssembly matrix kernels:
// matrix-kernels.test.ts).
const rng = new SeededRandom(11);
const rand = (n: number) => Float64Array.from({ length: n }, () => rng.normal());

describe('training kernels', () => {
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

  it('transposeInto writes Wᵀ', () => {
    const out = new Float64Array(6);
    transposeInto(Float64Array.of(1, 2, 3, 4, 5, 6), 2, 3, out);
    expect([...out]).toEqual([1, 4, 2, 5, 3, 6]);
  });
});
