/**
 * out[n] += Σ_m D[m·N + n] for n < N over the M rows of a row-major M x N matrix: the bias
 * gradient of `v_m = W x_m + b` (D = dL/dv). Rows are added in order. Mutates `out` only.
 */
export function accumulateColumnSums(D: Float64Array, M: number, N: number, out: Float64Array): void {
  for (let m = 0; m < M; m++) {
    const row = m * N;
    for (let n = 0; n < N; n++) out[n] += D[row + n];
  }
}
