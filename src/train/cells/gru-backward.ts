/**
 * Backward step of one GRU layer (see gru-forward.ts) for the rows of one step of a packed
 * batch. With a_* the gate pre-activations and hn = W_hn h + b_hn:
 *
 *     dn = dh' ⊙ (1 - z)          da_n = dn ⊙ (1 - n²)
 *     dz = dh' ⊙ (h - n)          da_z = dz ⊙ z(1 - z)
 *     dr = da_n ⊙ hn              da_r = dr ⊙ r(1 - r)
 *     input side  (W_ih, b_ih):  [da_r, da_z, da_n]          -> cache.dGi
 *     hidden side (W_hh, b_hh):  [da_r, da_z, da_n ⊙ r]      -> cache.dGh
 *     dh = dh' ⊙ z + W_hhᵀ·(hidden side)
 *
 * dh' of row i is `dh[i·H..]` (carried back from step t+1) plus `cache.dhIn` at row r0+i (from
 * the head or the layer above). On return `dh[i·H..]` holds dh' ⊙ z; the caller adds
 * W_hhᵀ·(hidden side) for the whole step as one matrix product, and sums the weight gradients.
 * All arrays live in `mem`; the step runs in WebAssembly SIMD (cell-kernels.wat `gru_backward`,
 * the operations above in the order written). Allocates nothing.
 */
import type { KernelMemory } from '../kernels/kernel-memory.js';
import type { LayerCache } from '../layer-cache.js';

/** Backward step of a GRU layer for `nb` rows from row `r0` (see file header). */
export function gruBackward(mem: KernelMemory, cache: LayerCache, r0: number, nb: number, dh: Float64Array): void {
  const H = cache.hidden;
  const { gates, hn, hPrev, dhIn, dGi, dGh } = cache;
  const o = r0 * H;
  const n = nb * H;
  mem.kernels.gru_backward(
    mem.address(gates, 3 * o, 3 * n),
    mem.address(hPrev, o, n),
    mem.address(hn, o, n),
    mem.address(dhIn, o, n),
    mem.address(dGi, 3 * o, 3 * n),
    mem.address(dGh, 3 * o, 3 * n),
    mem.address(dh, 0, n),
    nb,
    H,
  );
}
