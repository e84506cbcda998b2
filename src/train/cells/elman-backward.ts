/**
 * Backward step of one Elman RNN layer (see elman-forward.ts). With a = the pre-activation:
 *
 *     da = dh ⊙ act'(a)        tanh: 1 - h²;  relu: 1 where h > 0 else 0 (PyTorch's choice at 0)
 *     dW_ih += da xᵀ, db_ih += da, dW_hh += da h_{t-1}ᵀ, db_hh += da
 *     dx += W_ihᵀ da,  dh_{t-1} = W_hhᵀ da
 *
 * `dh` holds dL/dh_t on entry and dL/dh_{t-1} on return. `dx` (null for layer 0, whose inputs
 * need no gradient) is accumulated into at `dxOff`. `da` is scratch of length >= H.
 */
import { accumulateOuter } from '../kernels/accumulate-outer.js';
import { accumulateTransposed } from '../kernels/accumulate-transposed.js';
import type { LayerCache } from '../layer-cache.js';
import type { LayerParams64 } from '../param-vector.js';

export function elmanBackward(
  p: LayerParams64,
  grad: LayerParams64,
  useRelu: boolean,
  x: Float64Array,
  xOff: number,
  cache: LayerCache,
  s: number,
  dh: Float64Array,
  dx: Float64Array | null,
  dxOff: number,
  da: Float64Array,
): void {
  const H = cache.hidden;
  const off = s * H;
  const h = cache.h;
  for (let j = 0; j < H; j++) {
    const hj = h[off + j];
    da[j] = dh[j] * (useRelu ? (hj > 0 ? 1 : 0) : 1 - hj * hj);
    dh[j] = 0;
  }
  accumulateOuter(grad.weightIh, grad.biasIh, H, p.inSize, da, 0, x, xOff);
  accumulateOuter(grad.weightHh, grad.biasHh, H, H, da, 0, cache.hPrev, off);
  if (dx) accumulateTransposed(p.weightIh, H, p.inSize, da, 0, dx, dxOff);
  accumulateTransposed(p.weightHh, H, H, da, 0, dh, 0);
}
