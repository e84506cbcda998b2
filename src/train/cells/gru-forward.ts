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
 * written to the cache at rows r0 ... Allocates nothing.
 */
import type { LayerCache } from '../layer-cache.js';

/** Forward step of a GRU layer for `nb` rows from row `r0` (see file header). */
export function gruForward(cache: LayerCache, r0: number, nb: number, gh: Float64Array): void {
  const H = cache.hidden;
  const { gi, gates, hn, hPrev, h } = cache;
  for (let i = 0; i < nb; i++) {
    const off = (r0 + i) * H;
    const gOff = 3 * off;
    const hOff = 3 * i * H;
    for (let j = 0; j < H; j++) {
      const r = 1 / (1 + Math.exp(-(gi[gOff + j] + gh[hOff + j])));
      const z = 1 / (1 + Math.exp(-(gi[gOff + H + j] + gh[hOff + H + j])));
      const ghn = gh[hOff + 2 * H + j];
      const n = Math.tanh(gi[gOff + 2 * H + j] + r * ghn);
      gates[gOff + j] = r;
      gates[gOff + H + j] = z;
      gates[gOff + 2 * H + j] = n;
      hn[off + j] = ghn;
      h[off + j] = (1 - z) * n + z * hPrev[off + j];
    }
  }
}
