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
 */
import type { LayerCache } from '../layer-cache.js';

/** Backward step of a GRU layer for `nb` rows from row `r0` (see file header). */
export function gruBackward(cache: LayerCache, r0: number, nb: number, dh: Float64Array): void {
  const H = cache.hidden;
  const { gates, hn, hPrev, dhIn, dGi, dGh } = cache;
  for (let i = 0; i < nb; i++) {
    const off = (r0 + i) * H;
    const gOff = 3 * off;
    const dOff = i * H;
    for (let j = 0; j < H; j++) {
      const r = gates[gOff + j];
      const z = gates[gOff + H + j];
      const n = gates[gOff + 2 * H + j];
      const d = dh[dOff + j] + dhIn[off + j];
      const dan = d * (1 - z) * (1 - n * n);
      const daz = d * (hPrev[off + j] - n) * z * (1 - z);
      const dar = dan * hn[off + j] * r * (1 - r);
      dGi[gOff + j] = dar;
      dGi[gOff + H + j] = daz;
      dGi[gOff + 2 * H + j] = dan;
      dGh[gOff + j] = dar;
      dGh[gOff + H + j] = daz;
      dGh[gOff + 2 * H + j] = dan * r;
      dh[dOff + j] = d * z;
    }
  }
}
