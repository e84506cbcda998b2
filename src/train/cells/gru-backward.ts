/**
 * Backward step of one GRU layer (see gru-forward.ts). With a_* the gate pre-activations and
 * hn = W_hn h + b_hn:
 *
 *     dn = dh' ⊙ (1 - z)          da_n = dn ⊙ (1 - n²)
 *     dz = dh' ⊙ (h - n)          da_z = dz ⊙ z(1 - z)
 *     dr = da_n ⊙ hn              da_r = dr ⊙ r(1 - r)
 *     input side  (W_ih, b_ih):  [da_r, da_z, da_n]
 *     hidden side (W_hh, b_hh):  [da_r, da_z, da_n ⊙ r]
 *     dh = dh' ⊙ z + W_hhᵀ·(hidden side),   dx += W_ihᵀ·(input side)
 *
 * `dh` holds dL/dh'_t on entry and dL/dh_{t-1} on return; `dx` (null for layer 0) is
 * accumulated into at `dxOff`. `dgi`, `dgh` are scratch of length >= 3H.
 */
import { accumulateOuter } from '../kernels/accumulate-outer.js';
import { accumulateTransposed } from '../kernels/accumulate-transposed.js';
import type { LayerCache } from '../layer-cache.js';
import type { LayerParams64 } from '../param-vector.js';

export function gruBackward(
  p: LayerParams64,
  grad: LayerParams64,
  x: Float64Array,
  xOff: number,
  cache: LayerCache,
  s: number,
  dh: Float64Array,
  dx: Float64Array | null,
  dxOff: number,
  dgi: Float64Array,
  dgh: Float64Array,
): void {
  const H = cache.hidden;
  const off = s * H;
  const gOff = 3 * off;
  const { gates, hn, hPrev } = cache;
  for (let j = 0; j < H; j++) {
    const r = gates[gOff + j];
    const z = gates[gOff + H + j];
    const n = gates[gOff + 2 * H + j];
    const d = dh[j];
    const dan = d * (1 - z) * (1 - n * n);
    const daz = d * (hPrev[off + j] - n) * z * (1 - z);
    const dar = dan * hn[off + j] * r * (1 - r);
    dgi[j] = dar;
    dgi[H + j] = daz;
    dgi[2 * H + j] = dan;
    dgh[j] = dar;
    dgh[H + j] = daz;
    dgh[2 * H + j] = dan * r;
    dh[j] = d * z;
  }
  accumulateOuter(grad.weightIh, grad.biasIh, 3 * H, p.inSize, dgi, 0, x, xOff);
  accumulateOuter(grad.weightHh, grad.biasHh, 3 * H, H, dgh, 0, hPrev, off);
  if (dx) accumulateTransposed(p.weightIh, 3 * H, p.inSize, dgi, 0, dx, dxOff);
  accumulateTransposed(p.weightHh, 3 * H, H, dgh, 0, dh, 0);
}
