/**
 * One step of a GRU layer, as torch.nn.GRU computes it (gate order r, z, n in the stacked
 * weights, each block H rows):
 *
 *     r = σ(W_ir x + b_ir + W_hr h + b_hr)
 *     z = σ(W_iz x + b_iz + W_hz h + b_hz)
 *     n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
 *     h' = (1 - z) ⊙ n + z ⊙ h
 *
 * Porting note: r multiplies (W_hn h + b_hn), bias included, as in PyTorch and cuDNN (not the
 * original paper's r ⊙ h inside the product). Reads x from `x[xOff..)`, updates
 * `state[hOff..hOff+H)` in place. `gi`, `gh` are scratch of length >= 3H. Allocates nothing. The
 * two affine maps, then {@link gruGates}, which the WebAssembly stepper (wasm-stepper.ts) shares.
 */
import { affine } from '../kernels/affine.js';
import { sigmoid } from '../kernels/activations.js';
import type { LayerParams } from '../model-params.js';

export function gruStep(
  p: LayerParams,
  hidden: number,
  x: Float32Array,
  xOff: number,
  state: Float32Array,
  hOff: number,
  gi: Float32Array,
  gh: Float32Array,
): void {
  const H = hidden;
  affine(p.weightIh, 3 * H, p.inSize, x, xOff, p.biasIh, 0, gi, 0);
  affine(p.weightHh, 3 * H, H, state, hOff, p.biasHh, 0, gh, 0);
  gruGates(H, state, hOff, gi, gh);
}

/** The gates and h' into `state[hOff..hOff+H)`, from gi = W_i x + b_i and gh = W_h h + b_h (r, z, n blocks). */
export function gruGates(H: number, state: Float32Array, hOff: number, gi: Float32Array, gh: Float32Array): void {
  for (let j = 0; j < H; j++) {
    const r = sigmoid(gi[j] + gh[j]);
    const z = sigmoid(gi[H + j] + gh[H + j]);
    const n = Math.tanh(gi[2 * H + j] + r * gh[2 * H + j]);
    const hPrev = state[hOff + j];
    state[hOff + j] = (1 - z) * n + z * hPrev;
  }
}
