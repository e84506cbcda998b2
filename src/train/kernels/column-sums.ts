/**
 * out[n] += Σ_m D[m·N + n] for n < N over the M rows of a row-major M x N matrix D in a kernel
 * memory (kernel-memory.ts): the bias gradient of `v_m = W x_m + b` (D = dL/dv). Each column is
 * summed in order of m from zero, then added to out (matrix-kernels.wat `column_sums`). Mutates
 * `out` only.
 */
import type { KernelMemory } from './kernel-memory.js';

/** out += the column sums of D (see file header). */
export function columnSums(mem: KernelMemory, D: Float64Array, M: number, N: number, out: Float64Array): void {
  mem.kernels.column_sums(mem.address(D, 0, M * N), M, N, mem.address(out, 0, N));
}
