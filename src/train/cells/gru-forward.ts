/**
 * Forward step of one GRU layer in float64, as torch.nn.GRU computes it (gate order r, z, n):
 *
 *     r = σ(W_ir x + b_ir + W_hr h + b_hr)
 *     z = σ(W_iz x + b_iz + W_hz h + b_hz)
 *     n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
 *     h' = (1 - z) ⊙ n + z ⊙ h
 *
 * Reads x from `x[xOff..)` and h from `cache.hPrev` at step `s`; writes h', the gates r, z, n
 * and W_hn h + b_hn (what the backward pass needs) to the cache. `gi`, `gh` are scratch of
 * length >= 3H. Allocates nothing.
 */
import { affine64 } from '../kernels/affine64.js';
import type { LayerCache } from '../layer-cache.js';
import type { LayerParams64 } from '../param-vector.js';

/** Forward step of a GRU layer at window step `s` (see file header). */
export function gruForward(
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
  const gOff = 3 * off;
  affine64(p.weightIh, 3 * H, p.inSize, x, xOff, p.biasIh, gi, 0);
  affine64(p.weightHh, 3 * H, H, cache.hPrev, off, p.biasHh, gh, 0);
  const { gates, hn, hPrev, h } = cache;
  for (let j = 0; j < H; j++) {
    const r = 1 / (1 + Math.exp(-(gi[j] + gh[j])));
    const z = 1 / (1 + Math.exp(-(gi[H + j] + gh[H + j])));
    const ghn = gh[2 * H + j];
    const n = Math.tanh(gi[2 * H + j] + r * ghn);
    gates[gOff + j] = r;
    gates[gOff + H + j] = z;
    gates[gOff + 2 * H + j] = n;
    hn[off + j] = ghn;
    h[off + j] = (1 - z) * n + z * hPrev[off + j];
  }
}
