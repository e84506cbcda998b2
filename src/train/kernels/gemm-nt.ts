/**
 * C = A·Wᵀ (+ bias) (+ C): a matrix-matrix product where W is stored as PyTorch stores weights
 * (N x K, row-major), so that row m of C holds W·a_m for row a_m of A:
 *
 *     out[outOff + m·N + n] = (accumulate ? out[..] : 0) + bias[n] + Σ_k A[aOff + m·K + k] · W[n·K + k]
 *
 * for m < M, n < N (bias null = 0). Blocked 4 rows of A by 2 rows of W: the 8 dot products of a
 * block share every load (6 loads per 8 multiply-adds instead of 2 per 1 in a matrix-vector
 * product), which is what makes a batch cheaper per row than one sequence. Rows of A left over
 * (M mod 4) and of W (N mod 2) take narrower paths. Summation order is fixed (deterministic).
 * Mutates `out` only; allocates nothing.
 */
export function gemmNT(
  A: Float64Array,
  aOff: number,
  M: number,
  K: number,
  W: Float64Array,
  N: number,
  bias: Float64Array | null,
  out: Float64Array,
  outOff: number,
  accumulate: boolean,
): void {
  const m4 = M - (M % 4);
  const n2 = N - (N % 2);
  let m = 0;
  for (; m < m4; m += 4) {
    const a0 = aOff + m * K;
    const a1 = a0 + K;
    const a2 = a1 + K;
    const a3 = a2 + K;
    const o0 = outOff + m * N;
    let n = 0;
    for (; n < n2; n += 2) {
      const w0 = n * K;
      const w1 = w0 + K;
      let s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0;
      for (let k = 0; k < K; k++) {
        const x0 = W[w0 + k];
        const x1 = W[w1 + k];
        const p0 = A[a0 + k];
        const p1 = A[a1 + k];
        const p2 = A[a2 + k];
        const p3 = A[a3 + k];
        s00 += p0 * x0;
        s01 += p0 * x1;
        s10 += p1 * x0;
        s11 += p1 * x1;
        s20 += p2 * x0;
        s21 += p2 * x1;
        s30 += p3 * x0;
        s31 += p3 * x1;
      }
      const b0 = bias ? bias[n] : 0;
      const b1 = bias ? bias[n + 1] : 0;
      const o = o0 + n;
      if (accumulate) {
        out[o] += s00 + b0;
        out[o + 1] += s01 + b1;
        out[o + N] += s10 + b0;
        out[o + N + 1] += s11 + b1;
        out[o + 2 * N] += s20 + b0;
        out[o + 2 * N + 1] += s21 + b1;
        out[o + 3 * N] += s30 + b0;
        out[o + 3 * N + 1] += s31 + b1;
      } else {
        out[o] = s00 + b0;
        out[o + 1] = s01 + b1;
        out[o + N] = s10 + b0;
        out[o + N + 1] = s11 + b1;
        out[o + 2 * N] = s20 + b0;
        out[o + 2 * N + 1] = s21 + b1;
        out[o + 3 * N] = s30 + b0;
        out[o + 3 * N + 1] = s31 + b1;
      }
    }
    for (; n < N; n++) {
      const w0 = n * K;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let k = 0; k < K; k++) {
        const x0 = W[w0 + k];
        s0 += A[a0 + k] * x0;
        s1 += A[a1 + k] * x0;
        s2 += A[a2 + k] * x0;
        s3 += A[a3 + k] * x0;
      }
      const b0 = bias ? bias[n] : 0;
      const o = o0 + n;
      out[o] = (accumulate ? out[o] : 0) + s0 + b0;
      out[o + N] = (accumulate ? out[o + N] : 0) + s1 + b0;
      out[o + 2 * N] = (accumulate ? out[o + 2 * N] : 0) + s2 + b0;
      out[o + 3 * N] = (accumulate ? out[o + 3 * N] : 0) + s3 + b0;
    }
  }
  for (; m < M; m++) {
    const a0 = aOff + m * K;
    const o0 = outOff + m * N;
    const k4 = K - (K % 4);
    for (let n = 0; n < N; n++) {
      const w0 = n * K;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let k = 0;
      for (; k < k4; k += 4) {
        s0 += A[a0 + k] * W[w0 + k];
        s1 += A[a0 + k + 1] * W[w0 + k + 1];
        s2 += A[a0 + k + 2] * W[w0 + k + 2];
        s3 += A[a0 + k + 3] * W[w0 + k + 3];
      }
      for (; k < K; k++) s0 += A[a0 + k] * W[w0 + k];
      const v = s0 + s1 + (s2 + s3) + (bias ? bias[n] : 0);
      out[o0 + n] = accumulate ? out[o0 + n] + v : v;
    }
  }
}
