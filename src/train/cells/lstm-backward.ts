/**
 * Backward step of one LSTM layer (see lstm-forward.ts). With tc = tanh(c'):
 *
 *     do = dh' ⊙ tc                 dc' ← dc' + dh' ⊙ o ⊙ (1 - tc²)
 *     di = dc' ⊙ g,  df = dc' ⊙ c,  dg = dc' ⊙ i,  dc = dc' ⊙ f
 *     da = [di ⊙ i(1-i), df ⊙ f(1-f), dg ⊙ (1-g²), do ⊙ o(1-o)]   (same on input and hidden side)
 *     dh = W_hhᵀ da,   dx += W_ihᵀ da
 *
 * `dh`, `dc` hold dL/dh'_t and dL/dc'_t (the part from later steps) on entry and dL/dh_{t-1},
 * dL/dc_{t-1} on return; `dx` (null for layer 0) is accumulated into at `dxOff`. `da` is
 * scratch of length >= 4H.
 */
import { accumulateOuter } from '../kernels/accumulate-outer.js';
import { accumulateTransposed } from '../kernels/accumulate-transposed.js';
import type { LayerCache } from '../layer-cache.js';
import type { LayerParams64 } from '../param-vector.js';

export function lstmBackward(
  p: LayerParams64,
  grad: LayerParams64,
  x: Float64Array,
  xOff: number,
  cache: LayerCache,
  s: number,
  dh: Float64Array,
  dc: Float64Array,
  dx: Float64Array | null,
  dxOff: number,
  da: Float64Array,
): void {
  const H = cache.hidden;
  const off = s * H;
  const gOff = 4 * off;
  const { gates, cPrev, c, hPrev } = cache;
  for (let j = 0; j < H; j++) {
    const i = gates[gOff + j];
    const f = gates[gOff + H + j];
    const g = gates[gOff + 2 * H + j];
    const o = gates[gOff + 3 * H + j];
    const tc = Math.tanh(c[off + j]);
    const d = dh[j];
    const dcT = dc[j] + d * o * (1 - tc * tc);
    da[j] = dcT * g * i * (1 - i);
    da[H + j] = dcT * cPrev[off + j] * f * (1 - f);
    da[2 * H + j] = dcT * i * (1 - g * g);
    da[3 * H + j] = d * tc * o * (1 - o);
    dc[j] = dcT * f;
    dh[j] = 0;
  }
  accumulateOuter(grad.weightIh, grad.biasIh, 4 * H, p.inSize, da, 0, x, xOff);
  accumulateOuter(grad.weightHh, grad.biasHh, 4 * H, H, da, 0, hPrev, off);
  if (dx) accumulateTransposed(p.weightIh, 4 * H, p.inSize, da, 0, dx, dxOff);
  accumulateTransposed(p.weightHh, 4 * H, H, da, 0, dh, 0);
}
