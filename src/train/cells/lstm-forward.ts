/**
 * Forward step of one LSTM layer in float64, as torch.nn.LSTM computes it (gate order i, f, g, o):
 *
 *     i = σ(W_ii x + b_ii + W_hi h + b_hi)      f = σ(W_if x + b_if + W_hf h + b_hf)
 *     g = tanh(W_ig x + b_ig + W_hg h + b_hg)   o = σ(W_io x + b_io + W_ho h + b_ho)
 *     c' = f ⊙ c + i ⊙ g                        h' = o ⊙ tanh(c')
 *
 * Reads x from `x[xOff..)`, h and c from `cache.hPrev`/`cache.cPrev` at step `s`; writes h',
 * c' and the gates to the cache. `gi`, `gh` are scratch of length >= 4H. Allocates nothing.
 */
import { affine64 } from '../kernels/affine64.js';
import type { LayerCache } from '../layer-cache.js';
import type { LayerParams64 } from '../param-vector.js';

/** Forward step of an LSTM layer at window step `s` (see file header). */
export function lstmForward(
  p: LayerParams64,
  x: Float64Array,
  xOff: number,
  cache: LayerCache,
  s: number,
  gi: Float64Array,
  gh: Float64Array,
): void {
  const H = cache.hidden;
  const off = s * H;
  const gOff = 4 * off;
  affine64(p.weightIh, 4 * H, p.inSize, x, xOff, p.biasIh, gi, 0);
  affine64(p.weightHh, 4 * H, H, cache.hPrev, off, p.biasHh, gh, 0);
  const { gates, cPrev, c, h } = cache;
  for (let j = 0; j < H; j++) {
    const i = 1 / (1 + Math.exp(-(gi[j] + gh[j])));
    const f = 1 / (1 + Math.exp(-(gi[H + j] + gh[H + j])));
    const g = Math.tanh(gi[2 * H + j] + gh[2 * H + j]);
    const o = 1 / (1 + Math.exp(-(gi[3 * H + j] + gh[3 * H + j])));
    gates[gOff + j] = i;
    gates[gOff + H + j] = f;
    gates[gOff + 2 * H + j] = g;
    gates[gOff + 3 * H + j] = o;
    const cNew = f * cPrev[off + j] + i * g;
    c[off + j] = cNew;
    h[off + j] = o * Math.tanh(cNew);
  }
}
