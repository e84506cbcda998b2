/**
 * Forward step of one LSTM layer in float64 for the rows of one step of a packed batch, as
 * torch.nn.LSTM computes it (gate order i, f, g, o):
 *
 *     i = σ(W_ii x + b_ii + W_hi h + b_hi)      f = σ(W_if x + b_if + W_hf h + b_hf)
 *     g = tanh(W_ig x + b_ig + W_hg h + b_hg)   o = σ(W_io x + b_io + W_ho h + b_ho)
 *     c' = f ⊙ c + i ⊙ g                        h' = o ⊙ tanh(c')
 *
 * W_ih x + b_ih is read from `cache.gi` at rows r0 .. r0+nb-1, W_hh h + b_hh from `gh` rows
 * 0 .. nb-1 (both computed by the caller as matrix products over the batch), c from
 * `cache.cPrev`; h', c' and the gates are written to the cache at rows r0 ... All arrays live
 * in `mem`; the step runs in WebAssembly SIMD (cell-kernels.wat `lstm_forward`, whose σ and tanh
 * are within a few units in the last place of the exact values). Allocates nothing.
 */
import type { KernelMemory } from '../kernels/kernel-memory.js';
import type { LayerCache } from '../layer-cache.js';

/** Forward step of an LSTM layer for `nb` rows from row `r0` (see file header). */
export function lstmForward(mem: KernelMemory, cache: LayerCache, r0: number, nb: number, gh: Float64Array): void {
  const H = cache.hidden;
  const { gi, gates, cPrev, c, h } = cache;
  const o = r0 * H;
  const n = nb * H;
  mem.kernels.lstm_forward(
    mem.address(gi, 4 * o, 4 * n),
    mem.address(gh, 0, 4 * n),
    mem.address(cPrev, o, n),
    mem.address(gates, 4 * o, 4 * n),
    mem.address(c, o, n),
    mem.address(h, o, n),
    nb,
    H,
  );
}
