/**
 * The weight and bias gradients of `v_m = W x_m + b` summed over M rows (the steps of every
 * sequence of a batch, packed):
 *
 *     dW[i, j] += Σ_m dV[m, i] · X[m, j],    db[i] += Σ_m dV[m, i]
 *
 * i.e. dW += dVᵀ·X. dV is row-major (M x rows); row m of X starts at x[xOff + m·xStride]
 * (cols values). Blocked 2 rows of dW by 4 columns: 8 sums kept in registers over all M rows
 * and written once (6 loads per 8 multiply-adds). Mutates `dW` and `db` only.
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
  M: number,
): void {
  for (let i = 0; i < rows; i++) {
    let bias = 0;
    for (let m = 0; m < M; m++) bias += dV[m * rows + i];
    db[i] += bias;
  }
  const c4 = cols - (cols % 4);
  const r2 = rows - (rows % 2);
  let i = 0;
  for (; i < r2; i += 2) {
    const row0 = i * cols;
    const row1 = row0 + cols;
    let j = 0;
    for (; j < c4; j += 4) {
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
      for (let m = 0; m < M; m++) {
        const d0 = dV[m * rows + i];
        const d1 = dV[m * rows + i + 1];
        const xs = xOff + m * xStride + j;
        const x0 = x[xs];
        const x1 = x[xs + 1];
        const x2 = x[xs + 2];
        const x3 = x[xs + 3];
        a0 += d0 * x0;
        a1 += d0 * x1;
        a2 += d0 * x2;
        a3 += d0 * x3;
        b0 += d1 * x0;
        b1 += d1 * x1;
        b2 += d1 * x2;
        b3 += d1 * x3;
      }
      dW[row0 + j] += a0;
      dW[row0 + j + 1] += a1;
      dW[row0 + j + 2] += a2;
      dW[row0 + j + 3] += a3;
      dW[row1 + j] += b0;
      dW[row1 + j + 1] += b1;
      dW[row1 + j + 2] += b2;
      dW[row1 + j + 3] += b3;
    }
    for (; j < cols; j++) {
      let a = 0;
      let b = 0;
      for (let m = 0; m < M; m++) {
        const xv = x[xOff + m * xStride + j];
        a += dV[m * rows + i] * xv;
        b += dV[m * rows + i + 1] * xv;
      }
      dW[row0 + j] += a;
      dW[row1 + j] += b;
    }
  }
  for (; i < rows; i++) {
    const row = i * cols;
    for (let j = 0; j < cols; j++) {
      let a = 0;
      for (let m = 0; m < M; m++) a += dV[m * rows + i] * x[xOff + m * xStride + j];
      dW[row + j] += a;
    }
  }
}
