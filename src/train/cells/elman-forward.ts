/**
 * Forward step of one Elman RNN layer in float64 for the rows of one step of a packed batch, as
 * torch.nn.RNN computes it:
 *
 *     h_t = act(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh),   act = tanh | relu
 *
 * W_ih x_t + b_ih is read from `cache.gi` at rows r0 .. r0+nb-1, W_hh h_{t-1} + b_hh from `gh`
 * rows 0 .. nb-1 (both computed by the caller as matrix products over the batch); h_t is
 * written to `cache.h` at rows r0 ... Allocates nothing.
 */
import type { LayerCache } from '../layer-cache.js';

/** Forward step of an Elman layer for `nb` rows from row `r0` (see file header). */
export function elmanForward(useRelu: boolean, cache: LayerCache, r0: number, nb: number, gh: Float64Array): void {
  const H = cache.hidden;
  const { gi, h } = cache;
  const off = r0 * H;
  for (let k = 0; k < nb * H; k++) {
    const a = gi[off + k] + gh[k];
    h[off + k] = useRelu ? (a > 0 ? a : 0) : Math.tanh(a);
  }
}
