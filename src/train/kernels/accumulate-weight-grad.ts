/**
 * The weight and bias gradients of `v_m = W x_m + b` summed over M rows (the steps of every
 * sequence of a batch, packed):
 *
 *     dW[i, j] += Σ_m dV[m, i] · X[m, j],    db[i] += Σ_m dV[m, i]
 *
 * i.e. dW += dVᵀ·X, with dV M x rows and X M x cols (row-major, from offset 0). Both are first
 * transposed into the scratch buffers `dVT` (>= rows·M) and `XT` (>= cols·M) so that the sums
 * over m run along contiguous memory, then gemmNT adds dVT·XTᵀ: the blocked product reads
 * each transposed row once per block instead of striding through dV for every column of dW.
 * Mutates `dW`, `db` and the scratch only.
 */
import { accumulateColumnSums } from './accumulate-column-sums.js';
import { gemmNT } from './gemm-nt.js';
import { transposeInto } from './transpose-into.js';

/** dW += dVᵀ·X and db += column sums of dV (see file header). */
export function accumulateWeightGrad(
  dW: Float64Array,
  db: Float64Array,
  rows: number,
  cols: number,
  dV: Float64Array,
  X: Float64Array,
  M: number,
  dVT: Float64Array,
  XT: Float64Array,
): void {
  accumulateColumnSums(dV, M, rows, db);
  transposeInto(dV, M, rows, dVT);
  transposeInto(X, M, cols, XT);
  gemmNT(dVT, 0, rows, M, XT, cols, null, dW, 0, true);
}
