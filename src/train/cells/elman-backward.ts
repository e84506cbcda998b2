/**
 * Backward step of one Elman RNN layer (see elman-forward.ts) for the rows of one step of a
 * packed batch. With a = the pre-activation:
 *
 *     da = dh ⊙ act'(a)        tanh: 1 - h²;  relu: 1 where h > 0 else 0 (PyTorch's choice at 0)
 *
 * dh of row i is `dh[i·H..]` (the gradient carried back from step t+1) plus `cache.dhIn` at
 * row r0+i (from the head or the layer above). da is stored in `cache.dGi` at rows r0 ..; the
 * caller then adds W_hhᵀ da into `dh` (zeroed here) and sums the weight gradients.
 */
import type { LayerCache } from '../layer-cache.js';

/** Backward step of an Elman layer for `nb` rows from row `r0` (see file header). */
export function elmanBackward(useRelu: boolean, cache: LayerCache, r0: number, nb: number, dh: Float64Array): void {
  const H = cache.hidden;
  const off = r0 * H;
  const { h, dhIn, dGi: da } = cache;
  for (let k = 0; k < nb * H; k++) {
    const hk = h[off + k];
    da[off + k] = (dh[k] + dhIn[off + k]) * (useRelu ? (hk > 0 ? 1 : 0) : 1 - hk * hk);
    dh[k] = 0;
  }
}
