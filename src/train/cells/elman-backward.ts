/**
 * Backward step of one Elman RNN layer (see elman-forward.ts). With a = the pre-activation:
 *
 *     da = dh ⊙ act'(a)        tanh: 1 - h²;  relu: 1 where h > 0 else 0 (PyTorch's choice at 0)
 *     dh_{t-1} = W_hhᵀ da,     dx += W_ihᵀ da
 *
 * da is stored in `cache.dGi` at step `s`; the weight gradients (da xᵀ, da h_{t-1}ᵀ, da) are
 * summed over the window afterwards (accumulate-weight-grad.ts). `dh` holds dL/dh_t on entry
 * and dL/dh_{t-1} on return. `whhT`/`wihT` are W_hhᵀ (H x H) and W_ihᵀ (inSize x H); `dx`
 * (null for layer 0, whose inputs need no gradient) is accumulated into at `dxOff`.
 */
import { accumulateMatVec } from '../kernels/accumulate-mat-vec.js';
import type { LayerCache } from '../layer-cache.js';

/** Backward step of an Elman layer at window step `s` (see file header). */
export function elmanBackward(
  useRelu: boolean,
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
  const { h, dGi: da } = cache;
  for (let j = 0; j < H; j++) {
    const hj = h[off + j];
    da[off + j] = dh[j] * (useRelu ? (hj > 0 ? 1 : 0) : 1 - hj * hj);
    dh[j] = 0;
  }
  if (dx) accumulateMatVec(wihT, inSize, H, da, off, dx, dxOff);
  accumulateMatVec(whhT, H, H, da, off, dh, 0);
}
