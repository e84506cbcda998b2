/**
 * out = bias + A·B for a sparse A (most entries zero, e.g. one-hot inputs), skipping the zeros:
 *
 *     out[outOff + m·N + n] = bias[n] + Σ_{k : A[m, k] ≠ 0} A[m, k] · B[k·N + n]
 *
 * for m < M, n < N; A is M x K row-major from `aOff`, B is K x N row-major (a transposed
 * PyTorch weight, W_ihᵀ), all in one kernel memory (kernel-memory.ts). Each non-zero adds one
 * contiguous row of B, in order of k (matrix-kernels.wat `sparse_rows_times`, WebAssembly SIMD).
 * The result equals the dense product exactly where the skipped terms are zero. Mutates `out`
 * only.
 */
import type { KernelMemory } from './kernel-memory.js';

/** out = bias + A·B over the non-zero entries of A (see file header). */
export function sparseRowsTimes(
  mem: KernelMemory,
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
  const a = mem.address(A, aOff, M * K);
  mem.kernels.sparse_rows_times(a, M, K, mem.address(B, 0, K * N), N, mem.address(bias, 0, N), mem.address(out, outOff, M * N));
}
