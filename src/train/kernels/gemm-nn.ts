/**
 * C = (accumulate ? C : 0) + (A·B + bias), with A M x K, B K x N and C M x N row-major in one
 * kernel memory (kernel-memory.ts):
 *
 *     C[cOff + m·N + n] = (accumulate ? C[..] : 0) + (Σ_k A[aOff + m·K + k] · B[k·N + n] + bias[n])
 *
 * for m < M, n < N (bias null = 0). B is a transposed PyTorch weight (Wᵀ, so that row m of C is
 * W·a_m) or a weight itself (row m of C is Wᵀ·a_m). WebAssembly SIMD, 4 x 4 tiles, each sum in
 * order of k from zero (matrix-kernels.wat `gemm_nn`). Mutates C only; allocates nothing.
 */
import type { KernelMemory } from './kernel-memory.js';

/** C = (accumulate ? C : 0) + (A·B + bias) (see file header). */
export function gemmNN(
  mem: KernelMemory,
  A: Float64Array,
  aOff: number,
  M: number,
  K: number,
  B: Float64Array,
  N: number,
  bias: Float64Array | null,
  C: Float64Array,
  cOff: number,
  accumulate: boolean,
): void {
  const a = mem.address(A, aOff, M * K);
  const b = mem.address(B, 0, K * N);
  const pBias = bias ? mem.address(bias, 0, N) : 0;
  mem.kernels.gemm_nn(a, M, K, b, N, pBias, mem.address(C, cOff, M * N), accumulate ? 1 : 0);
}
