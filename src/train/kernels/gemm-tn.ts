/**
 * C += Aᵀ·B over M rows, with A M x R, B M x N and C R x N row-major (from offset 0) in one
 * kernel memory (kernel-memory.ts):
 *
 *     C[r·N + n] += Σ_m A[m·R + r] · B[m·N + n]
 *
 * the weight gradient of `v_m = W x_m` summed over the packed rows of a window (A = dL/dv, B the
 * inputs x_m, C = dW in PyTorch's layout). WebAssembly SIMD, 4 x 4 tiles over blocks of 64 rows
 * (matrix-kernels.wat `gemm_tn`): each block's sum, in order of m from zero, is added to C.
 * Mutates C only; allocates nothing.
 */
import type { KernelMemory } from './kernel-memory.js';

/** C += Aᵀ·B (see file header). */
export function gemmTN(mem: KernelMemory, A: Float64Array, M: number, R: number, B: Float64Array, N: number, C: Float64Array): void {
  mem.kernels.gemm_tn(mem.address(A, 0, M * R), M, R, mem.address(B, 0, M * N), N, mem.address(C, 0, R * N));
}
