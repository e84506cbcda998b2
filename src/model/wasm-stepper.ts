import { gateCount, hasCellState } from './cell-kind.js';
import { elmanGates } from './cells/elman-step.js';
import { gruGates } from './cells/gru-step.js';
import { lstmGates } from './cells/lstm-step.js';
import { AFFINE_WASM } from './kernels/affine-wasm.js';
import type { ModelParams } from './model-params.js';
import type { ModelSpec } from './model-spec.js';
import type { Stepper } from './rnn-model.js';

const PAGE = 65_536;

interface AffineExports {
  readonly memory: WebAssembly.Memory;
  affine(w: number, rows: number, cols: number, x: number, b: number, out: number): void;
}

let compiled: WebAssembly.Module | null | undefined;

/** The compiled affine kernel, or null where WebAssembly SIMD is unavailable (compiled once). */
function affineModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(Buffer.from(AFFINE_WASM, 'base64'));
    } catch {
      compiled = null; // no WebAssembly, or no SIMD: the JavaScript stepper serves
    }
  }
  return compiled;
}

/** Whether {@link wasmStepper} can run here (WebAssembly with SIMD: Node 16.4 and later). */
export function wasmSteppersAvailable(): boolean {
  return affineModule() !== null;
}

/**
 * A Stepper whose affine maps run in WebAssembly SIMD (kernels/affine.wat), 3-5x the JavaScript
 * loop at hidden 32; the gates stay in JavaScript (the cells' own gate functions), so states and
 * outputs are bit for bit those of the JavaScript stepper. The instance's memory holds a copy of
 * the weights and the step's working buffers: a step copies the key's state and the input in,
 * runs every layer and the head there, and copies the new state and the output back. Allocates
 * nothing per step. Throws when WebAssembly SIMD is unavailable (see {@link wasmSteppersAvailable}).
 */
export function wasmStepper(spec: ModelSpec, params: ModelParams, stateLength: number): Stepper {
  const module = affineModule();
  if (module === null) throw new Error('WebAssembly SIMD is not available in this runtime');
  const { cell, inputSize, hiddenSize: H, numLayers: L, outputSize } = spec;
  const g = gateCount(cell) * H;

  // Byte offsets of every buffer, 16-byte aligned.
  let top = 0;
  const place = (floats: number): number => {
    const at = top;
    top += Math.ceil((floats * 4) / 16) * 16;
    return at;
  };
  const layers = params.layers.map((p) => ({
    inSize: p.inSize,
    weightIh: place(p.weightIh.length),
    weightHh: place(p.weightHh.length),
    biasIh: place(p.biasIh.length),
    biasHh: place(p.biasHh.length),
  }));
  const headWeight = place(params.headWeight.length);
  const headBias = place(params.headBias.length);
  const xAt = place(inputSize);
  const stateAt = place(stateLength);
  const giAt = place(g);
  const ghAt = place(g);
  const outAt = place(outputSize);

  const kernel = new WebAssembly.Instance(module, {}).exports as unknown as AffineExports;
  const pages = Math.ceil(top / PAGE);
  const have = kernel.memory.buffer.byteLength / PAGE;
  if (pages > have) kernel.memory.grow(pages - have);
  const buffer = kernel.memory.buffer;
  const floats = (at: number, length: number): Float32Array => new Float32Array(buffer, at, length);
  params.layers.forEach((p, l) => {
    floats(layers[l].weightIh, p.weightIh.length).set(p.weightIh);
    floats(layers[l].weightHh, p.weightHh.length).set(p.weightHh);
    floats(layers[l].biasIh, p.biasIh.length).set(p.biasIh);
    floats(layers[l].biasHh, p.biasHh.length).set(p.biasHh);
  });
  floats(headWeight, params.headWeight.length).set(params.headWeight);
  floats(headBias, params.headBias.length).set(params.headBias);
  const x = floats(xAt, inputSize);
  const work = floats(stateAt, stateLength);
  const gi = floats(giAt, g);
  const gh = floats(ghAt, g);
  const output = floats(outAt, outputSize);
  const cBase = hasCellState(cell) ? L * H : 0;
  const affine = kernel.affine;

  return {
    step(state, input, out) {
      for (let i = 0; i < inputSize; i++) x[i] = input[i];
      for (let i = 0; i < stateLength; i++) work[i] = state[i];
      for (let l = 0; l < L; l++) {
        const at = layers[l];
        const hOff = l * H;
        affine(at.weightIh, g, at.inSize, l === 0 ? xAt : stateAt + (hOff - H) * 4, at.biasIh, giAt);
        affine(at.weightHh, g, H, stateAt + hOff * 4, at.biasHh, ghAt);
        switch (cell) {
          case 'rnn_tanh':
          case 'rnn_relu':
            elmanGates(H, cell === 'rnn_relu', work, hOff, gi, gh);
            break;
          case 'gru':
            gruGates(H, work, hOff, gi, gh);
            break;
          case 'lstm':
            lstmGates(H, work, hOff, cBase + hOff, gi, gh);
            break;
        }
      }
      affine(headWeight, outputSize, H, stateAt + (L - 1) * H * 4, headBias, outAt);
      for (let i = 0; i < stateLength; i++) state[i] = work[i];
      for (let i = 0; i < outputSize; i++) out[i] = output[i];
    },
  };
}
