import { gateCount, hasCellState } from './cell-kind.js';
import { elmanStep } from './cells/elman-step.js';
import { gruStep } from './cells/gru-step.js';
import { lstmStep } from './cells/lstm-step.js';
import { affine } from './kernels/affine.js';
import type { ModelParams } from './model-params.js';
import { stateSize, validateSpec, type ModelSpec } from './model-spec.js';
import { wasmStepper, wasmSteppersAvailable } from './wasm-stepper.js';

/**
 * How a Stepper computes its affine maps: `wasm` in WebAssembly SIMD (wasm-stepper.ts), `js` in
 * JavaScript (kernels/affine.ts), `auto` (the default) wasm where the runtime has WebAssembly
 * SIMD, else js. Both give bit-identical states and outputs; wasm is 3-5x faster per affine map.
 */
export type StepKernel = 'auto' | 'wasm' | 'js';

/**
 * Advances one key's recurrent state by one event and writes the head's output. Owns scratch
 * buffers, so a Stepper must not be shared between concurrent callers; it allocates nothing per
 * step.
 */
export interface Stepper {
  /**
   * `state` (length {@link RnnModel.stateSize}) is read as h_{t-1} (and c_{t-1}) and overwritten
   * with h_t (and c_t); `x` holds the input (length inputSize); `out` receives the head output
   * (length outputSize).
   */
  step(state: Float32Array, x: Float32Array, out: Float32Array): void;
}

/**
 * A stacked Elman RNN / GRU / LSTM with a linear head, evaluated one timestep at a time in
 * float32. Layer k > 0 takes layer k-1's new h as its input, as torch.nn.RNN/GRU/LSTM do.
 */
export class RnnModel {
  readonly spec: ModelSpec;
  readonly params: ModelParams;
  /** Length of a key's state vector: h of each layer, then c of each layer (LSTM). */
  readonly stateSize: number;

  constructor(spec: ModelSpec, params: ModelParams) {
    validateSpec(spec);
    const { cell, inputSize, hiddenSize, numLayers, outputSize } = spec;
    this.spec = Object.freeze({ cell, inputSize, hiddenSize, numLayers, outputSize });
    this.params = params;
    this.stateSize = stateSize(spec);
  }

  /** A zero state, PyTorch's default h_0 (and c_0). */
  newState(): Float32Array {
    return new Float32Array(this.stateSize);
  }

  /** A stepper with its own preallocated scratch, computing its affine maps with `kernel`. */
  newStepper(kernel: StepKernel = 'auto'): Stepper {
    if (kernel === 'wasm' || (kernel === 'auto' && wasmSteppersAvailable())) return wasmStepper(this.spec, this.params, this.stateSize);
    const { cell, hiddenSize: H, numLayers: L, outputSize } = this.spec;
    const { layers, headWeight, headBias } = this.params;
    const g = gateCount(cell) * H;
    const gi = new Float32Array(g);
    const gh = new Float32Array(g);
    const cBase = hasCellState(cell) ? L * H : 0;
    const lastH = (L - 1) * H;
    return {
      step(state, x, out) {
        for (let l = 0; l < L; l++) {
          const p = layers[l];
          const input = l === 0 ? x : state;
          const inOff = l === 0 ? 0 : (l - 1) * H;
          const hOff = l * H;
          switch (cell) {
            case 'rnn_tanh':
            case 'rnn_relu':
              elmanStep(p, H, cell === 'rnn_relu', input, inOff, state, hOff, gi, gh);
              break;
            case 'gru':
              gruStep(p, H, input, inOff, state, hOff, gi, gh);
              break;
            case 'lstm':
              lstmStep(p, H, input, inOff, state, hOff, cBase + hOff, gi, gh);
              break;
          }
        }
        affine(headWeight, outputSize, H, state, lastH, headBias, 0, out, 0);
      },
    };
  }
}
