/**
 * Forward step of one GRU layer in float64 for the rows of one step of a packed batch, as
 * torch.nn.GRU computes it (gate order r, z, n):
 *
 *     r = σ(W_ir x + b_ir + W_hr h + b_hr)
 *     z = σ(W_iz x + b_iz + W_hz h + b_hz)
 *     n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
 *     h' = (1 - z) ⊙ n + z ⊙ h
 *
 * W_ih x + b_ih is read from `cache.gi` at rows r0 .. r0+nb-1, W_hh h + b_hh from `gh` rows
 * 0 .. nb-1 (both computed by the caller as matrix products over the batch), h from
 * `cache.hPrev`; h', the gates r, z, n and W_hn h + b_hn (what the backward pass needs) are
 * written to the cache at rows r0 ... All arrays live in `mem`; the step runs in WebAssembly SIMD
 * (cell-kernels.wat `gru_forward`, whose σ and tanh are within a few units in the last place of
 * the exact values). Allocates nothing.
 */
import type { KernelMemory } from '../kernels/kernel-memory.js';
import type { LayerCache } from '../layer-cache.js';

/** Forward step of a GRU layer for `nb` rows from row `r0` (see file header). */
export function gruForward(mem: KernelMemory, cache: LayerCache, r0: number, nb: number, gh: Float64Array): void {
  const H = cache.hidden;
  const { gi, gates, hn, hPrev, h } = cache;
  const o = r0 * H;
  const n = nb * H;
  mem.kernels.gru_forward(
    mem.address(gi, 3 * o, 3 * n),
    mem.address(gh, 0, 3 * n),
    mem.address(hPrev, o, n),
    mem.address(gates, 3 * o, 3 * n),
    mem.address(hn, o, n),
    mem.address(h, o, n),
    nb,
    H,
  );
}
