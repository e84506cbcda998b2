/**
 * outT += Aᵀ·D for a sparse A (most entries zero, e.g. one-hot inputs), skipping the zeros:
 *
 *     outT[k·N + n] += Σ_{m : A[m, k] ≠ 0} A[m, k] · D[m·N + n]
 *
 * A is M x K row-major from `aOff` (stride K), D is M x N row-major, outT is K x N: the
 * transpose of a weight gradient dW = Dᵀ·A (N x K), kept transposed so that every non-zero adds
 * one contiguous row. Mutates `outT` only.
 */
export function sparseTransposeAccumulate(A: Float64Array, aOff: number, M: number, K: number, D: Float64Array, N: number, outT: Float64Array): void {
  for (let m = 0; m < M; m++) {
    const a = aOff + m * K;
    const d = m * N;
    for (let k = 0; k < K; k++) {
      const v = A[a + k];
      if (v === 0) continue;
      const row = k * N;
      for (let n = 0; n < N; n++) outT[row + n] += v * D[d + n];
    }
  }
}
