import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../src/model/random.js';
import { TrainingDataError } from '../../../src/errors/index.js';
import { columnSums } from '../../../src/train/kernels/column-sums.js';
import { gemmNN } from '../../../src/train/kernels/gemm-nn.js';
import { gemmTN } from '../../../src/train/kernels/gemm-tn.js';
import { sparseRowsTimes } from '../../../src/train/kernels/sparse-rows-times.js';
import { sparseTransposeAccumulate } from '../../../src/train/kernels/sparse-transpose-accumulate.js';
import { countDoubles, KernelMemory, type TakeArray } from '../../../src/train/kernels/kernel-memory.js';

// The WebAssembly matrix kernels (matrix-kernels.wat) against the textbook loops written here, on shapes that
// exercise the 4 x 4 tiles and every remainder (rows and columns mod 4, one-row and one-column
// matrices, gemm_tn's 64-row blocks), with offsets, bias and accumulation, and the memory
// around each output checked untouched. The kernels promise each sum in order of the inner
// index from zero with separate multiply and add, which plain JavaScript arithmetic reproduces
// bit for bit, so the comparisons are exact.
const rng = new SeededRandom(29);

/** Lays out arrays of the given lengths in a fresh memory, filled with normal draws. */
function arrays(lengths: number[]): { mem: KernelMemory; views: Float64Array[] } {
  const mem = new KernelMemory();
  const layout = (take: TakeArray) => lengths.map((n) => take(n));
  mem.reset(countDoubles(layout));
  const views = layout((n) => mem.take(n));
  for (const v of views) for (let i = 0; i < v.length; i++) v[i] = rng.normal();
  return { mem, views };
}

/** Everything of `after` outside [from, to) equals `before`. */
function expectUntouchedOutside(after: Float64Array, before: Float64Array, from: number, to: number): void {
  expect([...after.subarray(0, from), ...after.subarray(to)]).toEqual([...before.subarray(0, from), ...before.subarray(to)]);
}

describe('WebAssembly matrix kernels', () => {
  for (const M of [1, 3, 4, 5, 8, 9]) {
    for (const N of [1, 2, 3, 4, 5, 7, 8, 9]) {
      for (const K of [1, 4, 6]) {
        it(`gemmNN equals the ordered sums (M ${M}, K ${K}, N ${N}), with and without bias and accumulation`, () => {
          const [aOff, cOff] = [3, 2];
          const { mem, views } = arrays([aOff + M * K, K * N, N, cOff + M * N + 3]);
          const [A, B, bias, C] = views;
          for (const [withBias, accumulate] of [[false, false], [true, false], [false, true], [true, true]] as const) {
            const before = C.slice();
            gemmNN(mem, A, aOff, M, K, B, N, withBias ? bias : null, C, cOff, accumulate);
            for (let m = 0; m < M; m++) {
              for (let n = 0; n < N; n++) {
                let dot = 0;
                for (let k = 0; k < K; k++) dot += A[aOff + m * K + k] * B[k * N + n];
                const v = dot + (withBias ? bias[n] : 0);
                expect(C[cOff + m * N + n]).toBe(accumulate ? before[cOff + m * N + n] + v : v);
              }
            }
            expectUntouchedOutside(C, before, cOff, cOff + M * N);
          }
        });
      }
    }
  }

  for (const M of [1, 5, 64, 65, 131]) {
    for (const [R, N] of [[1, 1], [1, 8], [3, 5], [4, 4], [5, 9], [8, 3], [12, 7]]) {
      it(`gemmTN adds Aᵀ·B by 64-row blocks (M ${M}, R ${R}, N ${N})`, () => {
        const { mem, views } = arrays([M * R, M * N, R * N + 2]);
        const [A, B, C] = views;
        const before = C.slice();
        gemmTN(mem, A, M, R, B, N, C);
        for (let r = 0; r < R; r++) {
          for (let n = 0; n < N; n++) {
            let expected = before[r * N + n];
            for (let m0 = 0; m0 < M; m0 += 64) {
              let block = 0;
              for (let m = m0; m < Math.min(M, m0 + 64); m++) block += A[m * R + r] * B[m * N + n];
              expected += block;
            }
            expect(C[r * N + n]).toBe(expected);
          }
        }
        expectUntouchedOutside(C, before, 0, R * N);
      });
    }
  }

  for (const [M, N] of [[1, 1], [7, 1], [3, 2], [9, 5], [70, 12]]) {
    it(`columnSums adds the sum of every column (M ${M}, N ${N})`, () => {
      const { mem, views } = arrays([M * N, N + 1]);
      const [D, out] = views;
      const before = out.slice();
      columnSums(mem, D, M, N, out);
      for (let n = 0; n < N; n++) {
        let sum = 0;
        for (let m = 0; m < M; m++) sum += D[m * N + n];
        expect(out[n]).toBe(before[n] + sum);
      }
      expect(out[N]).toBe(before[N]);
    });
  }

  for (const [M, K, N] of [[1, 1, 1], [9, 7, 5], [6, 30, 12]]) {
    it(`sparseRowsTimes equals bias + A·B and sparseTransposeAccumulate adds Aᵀ·D for a mostly-zero A (M ${M}, K ${K}, N ${N})`, () => {
      const { mem, views } = arrays([2 + M * K, K * N, N, 1 + M * N + 1, M * N, K * N]);
      const [A, B, bias, out, D, outT] = views;
      A.fill(0);
      for (let m = 0; m < M; m++) {
        A[2 + m * K + rng.int(K)] = 1;
        if (m % 3 === 0) A[2 + m * K + rng.int(K)] = rng.normal();
      }
      const outBefore = out.slice();
      const outTBefore = outT.slice();
      sparseRowsTimes(mem, A, 2, M, K, B, N, bias, out, 1);
      sparseTransposeAccumulate(mem, A, 2, M, K, D, N, outT);
      for (let m = 0; m < M; m++) {
        for (let n = 0; n < N; n++) {
          let sum = bias[n];
          for (let k = 0; k < K; k++) if (A[2 + m * K + k] !== 0) sum += A[2 + m * K + k] * B[k * N + n];
          expect(out[1 + m * N + n]).toBe(sum);
        }
      }
      expectUntouchedOutside(out, outBefore, 1, 1 + M * N);
      for (let k = 0; k < K; k++) {
        for (let n = 0; n < N; n++) {
          let sum = outTBefore[k * N + n];
          for (let m = 0; m < M; m++) if (A[2 + m * K + k] !== 0) sum += A[2 + m * K + k] * D[m * N + n];
          expect(outT[k * N + n]).toBe(sum);
        }
      }
    });
  }

  it('refuses arrays outside its memory and ranges past an array end', () => {
    const { mem, views } = arrays([6, 6, 4]);
    const [A, B, C] = views;
    expect(() => gemmNN(mem, new Float64Array(6), 0, 2, 3, B, 2, null, C, 0, false)).toThrow(/outside its kernel memory/);
    expect(() => gemmNN(mem, A, 1, 2, 3, B, 2, null, C, 0, false)).toThrow(/elements 1\.\.7 of an array of 6/);
    expect(() => gemmTN(mem, A, 3, 2, B, 2, C.subarray(0, 3))).toThrow(/array of 3/);
  });

  it('keeps the arrays of a layout apart, 16-byte aligned, and grows for a larger layout', () => {
    const mem = new KernelMemory();
    const lengths = [3, 1, 8, 5];
    mem.reset(countDoubles((take) => lengths.forEach((n) => take(n))));
    const views = lengths.map((n) => mem.take(n));
    expect(views.map((v) => v.byteOffset % 16)).toEqual([0, 0, 0, 0]);
    for (let i = 1; i < views.length; i++) expect(views[i].byteOffset).toBeGreaterThanOrEqual(views[i - 1].byteOffset + views[i - 1].byteLength);
    expect(views[0].byteOffset).toBeGreaterThan(0);
    expect(() => mem.take(1)).toThrow(/layout overrun/);
    mem.reset(200_000);
    expect(mem.bytes).toBeGreaterThanOrEqual(16 + 200_000 * 8);
    expect(views[0].length).toBe(0); // detached by the growth
  });

  it('names the limit when a layout needs more than a WebAssembly memory holds', () => {
    const mem = new KernelMemory();
    expect(() => mem.reset(2 ** 29)).toThrow(TrainingDataError);
    expect(() => mem.reset(2 ** 29)).toThrow(/4 GiB a WebAssembly memory holds: train with a shorter window \(tbptt\) or smaller batches/);
  });
});
