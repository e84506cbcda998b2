/**
 * The weight and bias gradients of `v_s = W x_s + b` summed over the n steps of a window:
 *
 *     dW[i, j] += Σ_s dV[s, i] · X[s, j],    db[i] += Σ_s dV[s, i]
 *
 * dV is step-major (n x rows); row s of X starts at x[xOff + s·xStride] (cols values). Four
 * columns of dW are accumulated at a time in registers over the steps and written once, which
 * is much cheaper than adding one outer product per step. Mutates `dW` and `db` only.
 */
export function accumulateWeightGrad(
  dW: Float64Array,
  db: Float64Array,
  rows: number,
  cols: number,
  dV: Float64Array,
  x: Float64Array,
  xOff: number,
  xStride: number,
  n: number,
): void {
  const c4 = cols - (cols % 4);
  for (let i = 0; i < rows; i++) {
    let bias = 0;
    for (let s = 0; s < n; s++) bias += dV[s * rows + i];
    db[i] += bias;
    const row = i * cols;
    let j = 0;
    for (; j < c4; j += 4) {
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      for (let s = 0; s < n; s++) {
        const d = dV[s * rows + i];
        const xs = xOff + s * xStride + j;
        a0 += d * x[xs];
        a1 += d * x[xs + 1];
        a2 += d * x[xs + 2];
        a3 += d * x[xs + 3];
      }
      dW[row + j] += a0;
      dW[row + j + 1] += a1;
      dW[row + j + 2] += a2;
      dW[row + j + 3] += a3;
    }
    for (; j < cols; j++) {
      let a = 0;
      for (let s = 0; s < n; s++) a += dV[s * rows + i] * x[xOff + s * xStride + j];
      dW[row + j] += a;
    }
  }
}
