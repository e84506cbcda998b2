/**
 * out[outOff + i] = b[i] + sum_j W[i, j] * x[xOff + j] for i < rows, in float64.
 *
 * W is row-major (rows x cols) as PyTorch stores it. Mutates `out` only; allocates nothing.
 */
export function affine64(
  W: Float64Array,
  rows: number,
  cols: number,
  x: Float64Array,
  xOff: number,
  b: Float64Array,
  out: Float64Array,
  outOff: number,
): void {
  for (let i = 0; i < rows; i++) {
    let acc = b[i];
    const row = i * cols;
    for (let j = 0; j < cols; j++) acc += W[row + j] * x[xOff + j];
    out[outOff + i] = acc;
  }
}
