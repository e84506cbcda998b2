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
 * `cache.cPrev`; h', c' and the gates are written to the cache at rows r0 ... Allocates nothing.
 */
import type { LayerCache } from '../layer-cache.js';

/** Forward step of an LSTM layer for `nb` rows from row `r0` (see file header). */
export function lstmForward(cache: LayerCache, r0: number, nb: number, gh: Float64Array): void {
  const H = cache.hidden;
  const { gi, gates, cPrev, c, h } = cache;
  for (let row = 0; row < nb; row++) {
    const off = (r0 + row) * H;
    const gOff = 4 * off;
    const hOff = 4 * row * H;
    for (let j = 0; j < H; j++) {
      const i = 1 / (1 + Math.exp(-(gi[gOff + j] + gh[hOff + j])));
      const f = 1 / (1 + Math.exp(-(gi[gOff + H + j] + gh[hOff + H + j])));
      const g = Math.tanh(gi[gOff + 2 * H + j] + gh[hOff + 2 * H + j]);
      const o = 1 / (1 + Math.exp(-(gi[gOff + 3 * H + j] + gh[hOff + 3 * H + j])));
      gates[gOff + j] = i;
      gates[gOff + H + j] = f;
      gates[gOff + 2 * H + j] = g;
      gates[gOff + 3 * H + j] = o;
      const cNew = f * cPrev[off + j] + i * g;
      c[off + j] = cNew;
      h[off + j] = o * Math.tanh(cNew);
    }
  }
}
