/**
 * Backward step of one LSTM layer (see lstm-forward.ts) for the rows of one step of a packed
 * batch. With tc = tanh(c'):
 *
 *     do = dh' ⊙ tc                 dc' ← dc' + dh' ⊙ o ⊙ (1 - tc²)
 *     di = dc' ⊙ g,  df = dc' ⊙ c,  dg = dc' ⊙ i,  dc = dc' ⊙ f
 *     da = [di ⊙ i(1-i), df ⊙ f(1-f), dg ⊙ (1-g²), do ⊙ o(1-o)]   (same on input and hidden side)
 *
 * dh' of row i is `dh[i·H..]` (carried back from step t+1) plus `cache.dhIn` at row r0+i (from
 * the head or the layer above); `dc[i·H..]` holds dL/dc'_t from later steps and dL/dc_{t-1} on
 * return. da is stored in `cache.dGi` at rows r0 ..; `dh` is zeroed for the caller to add
 * W_hhᵀ da as one matrix product over the step's rows.
 */
import type { LayerCache } from '../layer-cache.js';

/** Backward step of an LSTM layer for `nb` rows from row `r0` (see file header). */
export function lstmBackward(cache: LayerCache, r0: number, nb: number, dh: Float64Array, dc: Float64Array): void {
  const H = cache.hidden;
  const { gates, cPrev, c, dhIn, dGi: da } = cache;
  for (let row = 0; row < nb; row++) {
    const off = (r0 + row) * H;
    const gOff = 4 * off;
    const dOff = row * H;
    for (let j = 0; j < H; j++) {
      const i = gates[gOff + j];
      const f = gates[gOff + H + j];
      const g = gates[gOff + 2 * H + j];
      const o = gates[gOff + 3 * H + j];
      const tc = Math.tanh(c[off + j]);
      const d = dh[dOff + j] + dhIn[off + j];
      const dcT = dc[dOff + j] + d * o * (1 - tc * tc);
      da[gOff + j] = dcT * g * i * (1 - i);
      da[gOff + H + j] = dcT * cPrev[off + j] * f * (1 - f);
      da[gOff + 2 * H + j] = dcT * i * (1 - g * g);
      da[gOff + 3 * H + j] = d * tc * o * (1 - o);
      dc[dOff + j] = dcT * f;
      dh[dOff + j] = 0;
    }
  }
}
