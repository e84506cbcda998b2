/**
 * Backward step of one LSTM layer (see lstm-forward.ts). With tc = tanh(c'):
 *
 *     do = dh' ⊙ tc                 dc' ← dc' + dh' ⊙ o ⊙ (1 - tc²)
 *     di = dc' ⊙ g,  df = dc' ⊙ c,  dg = dc' ⊙ i,  dc = dc' ⊙ f
 *     da = [di ⊙ i(1-i), df ⊙ f(1-f), dg ⊙ (1-g²), do ⊙ o(1-o)]   (same on input and hidden side)
 *     dh = W_hhᵀ da,   dx += W_ihᵀ da
 *
 * da is stored in `cache.dGi` at step `s`; the weight gradients are summed over the window
 * afterwards (accumulate-weight-grad.ts). `dh`, `dc` hold dL/dh'_t and dL/dc'_t (the part from
 * later steps) on entry and dL/dh_{t-1}, dL/dc_{t-1} on return. `whhT`/`wihT` are W_hhᵀ
 * (H x 4H) and W_ihᵀ (inSize x 4H); `dx` (null for layer 0) is accumulated into at `dxOff`.
 */
import { accumulateMatVec } from '../kernels/accumulate-mat-vec.js';
import type { LayerCache } from '../layer-cache.js';

/** Backward step of an LSTM layer at window step `s` (see file header). */
export function lstmBackward(
  whhT: Float64Array,
  wihT: Float64Array,
  inSize: number,
  cache: LayerCache,
  s: number,
  dh: Float64Array,
  dc: Float64Array,
  dx: Float64Array | null,
  dxOff: number,
): void {
  const H = cache.hidden;
  const off = s * H;
  const gOff = 4 * off;
  const { gates, cPrev, c, dGi: da } = cache;
  for (let j = 0; j < H; j++) {
    const i = gates[gOff + j];
    const f = gates[gOff + H + j];
    const g = gates[gOff + 2 * H + j];
    const o = gates[gOff + 3 * H + j];
    const tc = Math.tanh(c[off + j]);
    const d = dh[j];
    const dcT = dc[j] + d * o * (1 - tc * tc);
    da[gOff + j] = dcT * g * i * (1 - i);
    da[gOff + H + j] = dcT * cPrev[off + j] * f * (1 - f);
    da[gOff + 2 * H + j] = dcT * i * (1 - g * g);
    da[gOff + 3 * H + j] = d * tc * o * (1 - o);
    dc[j] = dcT * f;
    dh[j] = 0;
  }
  if (dx) accumulateMatVec(wihT, inSize, 4 * H, da, gOff, dx, dxOff);
  accumulateMatVec(whhT, H, 4 * H, da, gOff, dh, 0);
}
