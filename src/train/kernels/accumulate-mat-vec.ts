/**
 * out[outOff + r] += sum_c M[r, c] * v[vOff + c] for r < rows: a matrix-vector product added to
 * what `out` holds. M is row-major (rows x cols). Four independent partial sums per row (as in
 * affine64.ts), written once. Mutates `out` only.
 */
export function accumulateMatVec(
  M: Float64Array,
  rows: number,
  cols: number,
  v: Float64Array,
  vOff: number,
  out: Float64Array,
  outOff: number,
): void {
  const c4 = cols - (cols % 4);
  for (let r = 0; r < rows; r++) {
    const row = r * cols;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    let c = 0;
    for (; c < c4; c += 4) {
      a0 += M[row + c] * v[vOff + c];
      a1 += M[row + c + 1] * v[vOff + c + 1];
      a2 += M[row + c + 2] * v[vOff + c + 2];
      a3 += M[row + c + 3] * v[vOff + c + 3];
    }
    for (; c < cols; c++) a0 += M[row + c] * v[vOff + c];
    out[outOff + r] += a0 + a1 + (a2 + a3);
  }
}
