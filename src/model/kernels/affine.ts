/**
 * out[outOff + i] = b[bOff + i] + sum_j W[i, j] * x[xOff + j] for i < rows.
 *
 * W is row-major (rows x cols), as PyTorch stores `weight_ih_l0` etc. Offsets let callers work on
 * slices of larger buffers without allocating subarrays. Accumulates in double precision, in four
 * interleaved partial sums (independent dependency chains keep the CPU's adders busy: about 2x
 * faster than one running sum at hidden 128), and rounds once when storing. Mutates `out` only.
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
  const tail = cols & 3;
  const body = cols - tail;
  for (let i = 0; i < rows; i++) {
    const row = i * cols;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let j = 0;
    for (; j < body; j += 4) {
      s0 += W[row + j] * x[xOff + j];
      s1 += W[row + j + 1] * x[xOff + j + 1];
      s2 += W[row + j + 2] * x[xOff + j + 2];
      s3 += W[row + j + 3] * x[xOff + j + 3];
    }
    for (; j < cols; j++) s0 += W[row + j] * x[xOff + j];
    out[outOff + i] = b[bOff + i] + (s0 + s1 + (s2 + s3));
  }
}
