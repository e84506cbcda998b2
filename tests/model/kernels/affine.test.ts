import { describe, expect, it } from 'vitest';
import { affine } from '../../../src/model/kernels/affine.js';
import { SeededRandom } from '../../../src/model/random.js';

const f32 = (a: number[]) => Float32Array.from(a);

describe('affine', () => {
  it('computes b + W x for a row-major 2x3 matrix', () => {
    const W = f32([1, 2, 3, -1, 0.5, 0]);
    const out = new Float32Array(2);
    affine(W, 2, 3, f32([1, 1, 2]), 0, f32([0.25, -4]), 0, out, 0);
    // Row 0: 0.25 + 1 + 2 + 6; row 1: -4 - 1 + 0.5 + 0.
    expect(Array.from(out)).toEqual([9.25, -4.5]);
  });

  it('reads x and b and writes out at the given offsets, touching nothing else', () => {
    const W = f32([2, -1]);
    const x = f32([99, 99, 3, 4, 99]);
    const b = f32([99, 0.5]);
    const out = f32([7, 7, 7]);
    affine(W, 1, 2, x, 2, b, 1, out, 1);
    expect(Array.from(out)).toEqual([7, 2 * 3 - 4 + 0.5, 7]);
  });

  it('accumulates in double precision and rounds once when storing: the exactly rounded sum, where float32 accumulation is not', () => {
    // Every value is k / 2^20 with |k| < 2^20: exact in float32, each product exact in 40 bits, and
    // a row's exact sum (BigInt, scale 2^-40) fits in 53 bits, so rounding it once to float32 is
    // the one right answer. A float32 accumulator rounds every partial sum to 24 bits instead.
    const rows = 300;
    const cols = 67; // not a multiple of 4: the tail loop runs too
    const rng = new SeededRandom(20_251_130);
    const fixed = (n: number) => Array.from({ length: n }, () => rng.int(2 ** 21) - 2 ** 20);
    const kW = fixed(rows * cols);
    const kx = fixed(cols);
    const kb = fixed(rows);
    const W = f32(kW.map((k) => k / 2 ** 20));
    const x = f32(kx.map((k) => k / 2 ** 20));
    const b = f32(kb.map((k) => k / 2 ** 20));
    const out = new Float32Array(rows);
    affine(W, rows, cols, x, 0, b, 0, out, 0);

    const exact = (i: number): number => {
      let sum = BigInt(kb[i]) << 20n;
      for (let j = 0; j < cols; j++) sum += BigInt(kW[i * cols + j]) * BigInt(kx[j]);
      // |sum| < 2^47: Number() is exact, and so is the division by a power of two.
      return Math.fround(Number(sum) / 2 ** 40);
    };
    const float32Accumulator = (i: number): number => {
      const s = [0, 0, 0, 0];
      for (let j = 0; j < cols; j++) s[j & 3] = Math.fround(s[j & 3] + Math.fround(W[i * cols + j] * x[j]));
      return Math.fround(b[i] + Math.fround(Math.fround(s[0] + s[1]) + Math.fround(s[2] + s[3])));
    };

    const expected = Array.from({ length: rows }, (_, i) => exact(i));
    expect(Array.from(out)).toEqual(expected);
    // The inputs are chosen so that the test can fail: float32 accumulation misses on most rows.
    const misses = expected.filter((e, i) => float32Accumulator(i) !== e).length;
    expect(misses).toBeGreaterThan(rows / 2);
  });

  it('writes only the bias when there are no columns', () => {
    const out = new Float32Array(2);
    affine(new Float32Array(0), 2, 0, new Float32Array(0), 0, f32([1.5, -2]), 0, out, 0);
    expect(Array.from(out)).toEqual([1.5, -2]);
  });
});
