import { describe, expect, it } from 'vitest';
import { CELL_KINDS } from '../../src/model/cell-kind.js';
import { initParams } from '../../src/model/init-params.js';
import type { ModelSpec } from '../../src/model/model-spec.js';
import { SeededRandom } from '../../src/model/random.js';
import { RnnModel } from '../../src/model/rnn-model.js';
import { wasmSteppersAvailable } from '../../src/model/wasm-stepper.js';

/** Shapes around the kernel's 4-column blocks (tails of 0-3 columns), one to three layers. */
const SHAPES: readonly Omit<ModelSpec, 'cell'>[] = [
  { inputSize: 1, hiddenSize: 1, numLayers: 1, outputSize: 1 },
  { inputSize: 3, hiddenSize: 32, numLayers: 1, outputSize: 1 },
  { inputSize: 8, hiddenSize: 5, numLayers: 2, outputSize: 3 },
  { inputSize: 6, hiddenSize: 17, numLayers: 3, outputSize: 2 },
  { inputSize: 30, hiddenSize: 64, numLayers: 2, outputSize: 30 },
];

describe('the WebAssembly stepper', () => {
  it('is available on this runtime (Node 20 has WebAssembly SIMD)', () => {
    expect(wasmSteppersAvailable()).toBe(true);
  });

  it.each(CELL_KINDS)('%s: states and outputs bit for bit those of the JavaScript stepper over 60 steps', (cell) => {
    let nonZero = 0;
    for (const shape of SHAPES) {
      const spec = { cell, ...shape };
      const rng = new SeededRandom(shape.hiddenSize * 31 + shape.inputSize);
      const params = initParams(spec, rng);
      // Weights far from the initial range too, so gates saturate and sums cancel.
      for (const layer of params.layers) for (let i = 0; i < layer.weightHh.length; i += 7) layer.weightHh[i] *= 9;
      const model = new RnnModel(spec, params);
      const js = model.newStepper('js');
      const wasm = model.newStepper('wasm');
      const stateJs = model.newState();
      for (let i = 0; i < stateJs.length; i++) stateJs[i] = rng.uniform(-1, 1);
      const stateWasm = stateJs.slice();
      const x = new Float32Array(spec.inputSize);
      const outJs = new Float32Array(spec.outputSize);
      const outWasm = new Float32Array(spec.outputSize);
      for (let t = 0; t < 60; t++) {
        for (let i = 0; i < x.length; i++) x[i] = rng.uniform(-3, 3) * (t % 10 === 9 ? 1e4 : 1);
        js.step(stateJs, x, outJs);
        wasm.step(stateWasm, x, outWasm);
        const where = `${cell} ${JSON.stringify(shape)} step ${t}`;
        expect(Buffer.from(stateWasm.buffer).equals(Buffer.from(stateJs.buffer)), `state, ${where}`).toBe(true);
        expect(Buffer.from(outWasm.buffer).equals(Buffer.from(outJs.buffer)), `output, ${where}`).toBe(true);
      }
      nonZero += stateJs.filter((v) => v !== 0).length;
    }
    expect(nonZero).toBeGreaterThan(50);
  });

  it('keeps steppers of one model apart: interleaved keys give what each gives alone', () => {
    const spec: ModelSpec = { cell: 'gru', inputSize: 3, hiddenSize: 9, numLayers: 2, outputSize: 1 };
    const model = new RnnModel(spec, initParams(spec, new SeededRandom(5)));
    const [a, b] = [model.newStepper('wasm'), model.newStepper('wasm')];
    const alone = model.newStepper('js');
    const [sa, sb, sAlone] = [model.newState(), model.newState(), model.newState()];
    const out = new Float32Array(1);
    const x = Float32Array.of(0.5, -1, 2);
    for (let t = 0; t < 5; t++) {
      a.step(sa, x, out);
      b.step(sb, Float32Array.of(t, t, t), out);
      alone.step(sAlone, x, out);
    }
    expect(Array.from(sa)).toEqual(Array.from(sAlone));
  });
});
