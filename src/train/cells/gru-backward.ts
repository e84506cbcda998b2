/**
 * Backward step of one GRU layer (see gru-forward.ts). With a_* the gate pre-activations and
 * hn = W_hn h + b_hn:
 *
 *     dn = dh' ⊙ (1 - z)          da_n = dn ⊙ (1 - n²)
 *     dz = dh' ⊙ (h - n)          da_z = dz ⊙ z(1 - z)
 *     dr = da_n ⊙ hn              da_r = dr ⊙ r(1 - r)
 *     input side  (W_ih, b_ih):  [da_r, da_z, da_n]          -> cache.dGi at step s
 *     hidden side (W_hh, b_hh):  [da_r, da_z, da_n ⊙ r]      -> cache.dGh at step s
 *     dh = dh' ⊙ z + W_hhᵀ·(hidden side),   dx += W_ihᵀ·(input side)
 *
 * The weight gradients are summed over the window afterwards (accumulate-weight-grad.ts).
 * `dh` holds dL/dh'_t on entry and dL/dh_{t-1} on return. `whhT`/`wihT` are W_hhᵀ (H x 3H) and
 * W_ihᵀ (inSize x 3H); `dx` (null for layer 0) is accumulated into at `dxOff`.
 */
import { accumulateMatVec } from '../kernels/accumulate-mat-vec.js';
import type { LayerCache } from '../layer-cache.js';

/** Backward step of a GRU layer at window step `s` (see file header). */
export function gruBackward(
  whhT: Float64Array,
  wihT: Float64Array,
  inSize: number,
  cache: LayerCache,
  s: number,
  dh: Float64Array,
  dx: Float64Array | null,
  dxOff: number,
): void {
  const H = cache.hidden;
  const off = s * H;
  const gOff = 3 * off;
  const { gates, hn, hPrev, dGi, dGh } = cache;
  for (let j = 0; j < H; j++) {
    const r = gates[gOff + j];
    const z = gates[gOff + H + j];
    const n = gates[gOff + 2 * H + j];
    const d = dh[j];
    const dan = d * (1 - z) * (1 - n * n);
    const daz = d * (hPrev[off + j] - n) * z * (1 - z);
    const dar = dan * hn[off + j] * r * (1 - r);
    dGi[gOff + j] = dar;
    dGi[gOff + H + j] = daz;
    dGi[gOff + 2 * H + j] = dan;
    dGh[gOff + j] = dar;
    dGh[gOff + H + j] = daz;
    dGh[gOff + 2 * H + j] = dan * r;
    dh[j] = d * z;
  }
  if (dx) accumulateMatVec(wihT, inSize, 3 * H, dGi, gOff, dx, dxOff);
  accumulateMatVec(whhT, H, 3 * H, dGh, gOff, dh, 0);
}
