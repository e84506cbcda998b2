/**
 * One step of an Elman RNN layer, as torch.nn.RNN computes it:
 *
 *     h_t = act(W_ih · x_t + b_ih + W_hh · h_{t-1} + b_hh),   act = tanh | relu
 *
 * Reads x from `x[xOff..xOff+inSize)`, reads h_{t-1} from `state[hOff..hOff+H)` and overwrites it
 * with h_t. `gi` and `gh` are scratch buffers of length >= H. Allocates nothing. The two affine
 * maps, then {@link elmanGates}, which the WebAssembly stepper (wasm-stepper.ts) shares.
 */
import { affine } from '../kernels/affine.js';
import { relu } from '../kernels/activations.js';
import type { LayerParams } from '../model-params.js';

export function elmanStep(
  p: LayerParams,
  hidden: number,
  useRelu: boolean,
  x: Float32Array,
  xOff: number,
  state: Float32Array,
  hOff: number,
  gi: Float32Array,
  gh: Float32Array,
): void {
  affine(p.weightIh, hidden, p.inSize, x, xOff, p.biasIh, 0, gi, 0);
  affine(p.weightHh, hidden, hidden, state, hOff, p.biasHh, 0, gh, 0);
  elmanGates(hidden, useRelu, state, hOff, gi, gh);
}

/** h_t = act(gi + gh) into `state[hOff..hOff+H)`, from the affine maps' results `gi`, `gh`. */
export function elmanGates(hidden: number, useRelu: boolean, state: Float32Array, hOff: number, gi: Float32Array, gh: Float32Array): void {
  for (let j = 0; j < hidden; j++) {
    const a = gi[j] + gh[j];
    state[hOff + j] = useRelu ? relu(a) : Math.tanh(a);
  }
}
