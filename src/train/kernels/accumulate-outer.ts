/**
 * dW[i, j] += dv[dvOff + i] * x[xOff + j] for i < rows, j < cols, and db[i] += dv[dvOff + i]: the weight and
 * bias gradients of `v = W x + b` for one step. Mutates `dW` and `db` only.
 */
export function accumulateOuter(
  dW: Float64Array,
  db: Float64Array,
  rows: number,
  cols: number,
  dv: Float64Array,
  dvOff: number,
  x: Float64Array,
  xOff: number,
): void {
  for (let i = 0; i < rows; i++) {
    const d = dv[dvOff + i];
    db[i] += d;
    if (d === 0) continue;
    const row = i * cols;
    for (let j = 0; j < cols; j++) dW[row + j] += d * x[xOff + j];
  }
}
