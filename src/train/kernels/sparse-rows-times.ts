/**
 * out = bias + A·B for a sparse A (most entries zero, e.g. one-hot inputs), skipping the zeros:
 *
 *     out[outOff + m·N + n] = bias[n] + Σ_{k : A[m, k] ≠ 0} A[m, k] · B[k·N + n]
 *
 * for m < M, n < N; A is M x K row-major from `aOff`, B is K x N row-major (a transposed
 * PyTorch weight, W_ihᵀ). Each non-zero adds one contiguous row of B. The result equals the
 * dense product exactly where the skipped terms are zero. Mutates `out` only.
 */
export function sparseRowsTimes(
  A: Float64Array,
  aOff: number,
  M: number,
  K: number,
  B: Float64Array,
  N: number,
  bias: Float64Array,
  out: Float64Array,
  outOff: number,
): void {
  for (let m = 0; m < M; m++) {
    const o = outOff + m * N;
    for (let n = 0; n < N; n++) out[o + n] = bias[n];
    const a = aOff + m * K;
    for (let k = 0; k < K; k++) {
      const v = A[a + k];
      if (v === 0) continue;
      const row = k * N;
      for (let n = 0; n < N; n++) out[o + n] += v * B[row + n];
    }
  }
}
