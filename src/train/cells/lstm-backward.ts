/**
 * Backward step of one LSTM layer (see lstm-forward.ts) for the rows of one step of a packed
 * batch. With tc = tanh(c'):
 *
 *     do = dh' ⊙ tc                 dc' ← dc' + dh' ⊙ o ⊙ (1 - tc²)
 *     di = dc' ⊙ g,  df = dc' ⊙ c,  dg = dc' ⊙ i,  dc = dc' ⊙ f
 *     da = [di ⊙ i(1-i), df ⊙ f(1-f), dg ⊙ (1-g²), do ⊙ o(1-o)]   (same on input and hidden side)
 *
 * dh' of row i is `dh[i·H..]` (carried back from step t+1) plus `cache.dhIn` at row r0+i (from
 * the head or the layer above); `dc[i·H..]` holds dL/dc'_t from later steps and dL/dc_{t-1} on
 * return. da is stored in `cache.dGi` at rows r0 ..; `dh` is zeroed for the caller to add
 * W_hhᵀ da as one matrix product over the step's rows. All arrays live in `mem`; the step runs
 * in WebAssembly SIMD (cell-kernels.wat `lstm_backward`: the operations above in the order
 * written, tanh(c') as the forward step computes it). Allocates nothing.
 */
import type { KernelMemory } from '../kernels/kernel-memory.js';
import type { LayerCache } from '../layer-cache.js';

/** Backward step of an LSTM layer for `nb` rows from row `r0` (see file header). */
export function lstmBackward(mem: KernelMemory, cache: LayerCache, r0: number, nb: number, dh: Float64Array, dc: Float64Array): void {
  const H = cache.hidden;
  const { gates, cPrev, c, dhIn, dGi: da } = cache;
  const o = r0 * H;
  const n = nb * H;
  mem.kernels.lstm_backward(
    mem.address(gates, 4 * o, 4 * n),
    mem.address(cPrev, o, n),
    mem.address(c, o, n),
    mem.address(dhIn, o, n),
    mem.address(da, 4 * o, 4 * n),
    mem.address(dh, 0, n),
    mem.address(dc, 0, n),
    nb,
    H,
  );
}
