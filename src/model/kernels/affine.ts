/**
 * out[outOff + i] = b[bOff + i] + sum_j W[i, j] * x[xOff + j] for i < rows.
 *
 * W is row-major (rows x cols), as PyTorch stores `weight_ih_l0` etc. Offsets let callers work on
 * slices of larger buffers without allocating subarrays. Accumulates in double precision and
 * rounds once when storing. Mutates `out` only.
 */
export function affine(
  W: Float32Array,
  rows: number,
  cols: number,
  x: Float32Array,
  xOff: number,
  b: Float32Array,
  bOff: number,
  out: Float32Array,
  outOff: number,
): void {
  for (let i = 0; i < rows; i++) {
    let acc = b[bOff + i];
    const row = i * cols;
    for (let j = 0; j < cols; j++) acc += W[row + j] * x[xOff + j];
    out[outOff + i] = acc;
  }
}
