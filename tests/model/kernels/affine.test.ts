import { describe, expect, it } from 'vitest';
import { affine } from '../../../src/model/kernels/affine.js';

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

  it('accumulates in double precision and rounds once when storing', () => {
    // In float32, 1 + 2^24 rounds to 2^24 and the sum would end at 0; in double it is exactly 1.
    const out = new Float32Array(1);
    affine(f32([1, 1]), 1, 2, f32([2 ** 24, -(2 ** 24)]), 0, f32([1]), 0, out, 0);
    expect(out[0]).toBe(1);
  });

  it('writes only the bias when there are no columns', () => {
    const out = new Float32Array(2);
    affine(new Float32Array(0), 2, 0, new Float32Array(0), 0, f32([1.5, -2]), 0, out, 0);
    expect(Array.from(out)).toEqual([1.5, -2]);
  });
});
