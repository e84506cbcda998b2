/**
 * outT += Aᵀ·D for a sparse A (most entries zero, e.g. one-hot inputs), skipping the zeros:
 *
 *     outT[k·N + n] += Σ_{m : A[m, k] ≠ 0} A[m, k] · D[m·N + n]
 *
 * A is M x K row-major from `aOff` (stride K), D is M x N row-major, outT is K x N, all in one
 * kernel memory (kernel-memory.ts): the transpose of a weight gradient dW = Dᵀ·A (N x K), kept
 * transposed so that every non-zero adds one contiguous row, rows m in order
 * (matrix-kernels.wat `sparse_transpose_accumulate`, WebAssembly SIMD). Mutates `outT` only.
 */
import type { KernelMemory } from './kernel-memory.js';

/** outT += Aᵀ·D over the non-zero entries of A (see file header). */
export function sparseTransposeAccumulate(
  mem: KernelMemory,
  A: Float64Array,
  aOff: number,
  M: number,
  K: number,
  D: Float64Array,
  N: number,
  outT: Float64Array,
): void {
  const a = mem.address(A, aOff, M * K);
  mem.kernels.sparse_transpose_accumulate(a, M, K, mem.address(D, 0, M * N), N, mem.address(outT, 0, K * N));
}
