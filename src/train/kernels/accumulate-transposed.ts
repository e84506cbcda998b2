/**
 * out[outOff + j] += sum_i W[i, j] * dv[dvOff + i] for j < cols: the input gradient Wᵀ·dv of
 * `v = W x + b`, added to what `out` holds. W is row-major (rows x cols). Mutates `out` only.
 */
export function accumulateTransposed(
  W: Float64Array,
  rows: number,
  cols: number,
  dv: Float64Array,
  dvOff: number,
  out: Float64Array,
  outOff: number,
): void {
  for (let i = 0; i < rows; i++) {
    const d = dv[dvOff + i];
    if (d === 0) continue;
    const row = i * cols;
    for (let j = 0; j < cols; j++) out[outOff + j] += W[row + j] * d;
  }
}
