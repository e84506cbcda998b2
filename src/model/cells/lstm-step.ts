/**
 * One step of an LSTM layer, as torch.nn.LSTM computes it (gate order i, f, g, o in the stacked
 * weights, each block H rows):
 *
 *     i = σ(W_ii x + b_ii + W_hi h + b_hi)
 *     f = σ(W_if x + b_if + W_hf h + b_hf)
 *     g = tanh(W_ig x + b_ig + W_hg h + b_hg)
 *     o = σ(W_io x + b_io + W_ho h + b_ho)
 *     c' = f ⊙ c + i ⊙ g
 *     h' = o ⊙ tanh(c')
 *
 * Reads x from `x[xOff..)`, h from `state[hOff..hOff+H)` and c from `state[cOff..cOff+H)`, and
 * updates both in place. `gi`, `gh` are scratch of length >= 4H. Allocates nothing. The two affine
 * maps, then {@link lstmGates}, which the WebAssembly stepper (wasm-stepper.ts) shares.
 */
import { affine } from '../kernels/affine.js';
import { sigmoid } from '../kernels/activations.js';
import type { LayerParams } from '../model-params.js';

export function lstmStep(
  p: LayerParams,
  hidden: number,
  x: Float32Array,
  xOff: number,
  state: Float32Array,
  hOff: number,
  cOff: number,
  gi: Float32Array,
  gh: Float32Array,
): void {
  const H = hidden;
  affine(p.weightIh, 4 * H, p.inSize, x, xOff, p.biasIh, 0, gi, 0);
  affine(p.weightHh, 4 * H, H, state, hOff, p.biasHh, 0, gh, 0);
  lstmGates(H, state, hOff, cOff, gi, gh);
}

/** The gates, c' into `state[cOff..cOff+H)` and h' into `state[hOff..hOff+H)`, from gi = W_i x + b_i and gh = W_h h + b_h (i, f, g, o blocks). */
export function lstmGates(H: number, state: Float32Array, hOff: number, cOff: number, gi: Float32Array, gh: Float32Array): void {
  for (let j = 0; j < H; j++) {
    const i = sigmoid(gi[j] + gh[j]);
    const f = sigmoid(gi[H + j] + gh[H + j]);
    const g = Math.tanh(gi[2 * H + j] + gh[2 * H + j]);
    const o = sigmoid(gi[3 * H + j] + gh[3 * H + j]);
    const c = f * state[cOff + j] + i * g;
    state[cOff + j] = c;
    state[hOff + j] = o * Math.tanh(c);
  }
}
