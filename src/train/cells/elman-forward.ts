/**
 * Forward step of one Elman RNN layer in float64, as torch.nn.RNN computes it:
 *
 *     h_t = act(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh),   act = tanh | relu
 *
 * Reads x from `x[xOff..xOff+inSize)` and h_{t-1} from `cache.hPrev` at step `s`; writes h_t
 * to `cache.h` at step `s`. `gi`, `gh` are scratch of length >= H. Allocates nothing.
 */
import { affine64 } from '../kernels/affine64.js';
import type { LayerCache } from '../layer-cache.js';
import type { LayerParams64 } from '../param-vector.js';

/** Forward step of an Elman layer at window step `s` (see file header). */
export function elmanForward(
  p: LayerParams64,
  useRelu: boolean,
  x: Float64Array,
  xOff: number,
  cache: LayerCache,
  s: number,
  gi: Float64Array,
  gh: Float64Array,
): void {
  const H = cache.hidden;
  const off = s * H;
  affine64(p.weightIh, H, p.inSize, x, xOff, p.biasIh, gi, 0);
  affine64(p.weightHh, H, H, cache.hPrev, off, p.biasHh, gh, 0);
  const h = cache.h;
  for (let j = 0; j < H; j++) {
    const a = gi[j] + gh[j];
    h[off + j] = useRelu ? (a > 0 ? a : 0) : Math.tanh(a);
  }
}
