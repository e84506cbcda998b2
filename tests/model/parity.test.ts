/**
 * Parity with PyTorch: every fixture in tests/fixtures/parity (written by generate.py from real
 * torch.nn.RNN/GRU/LSTM + nn.Linear modules) is loaded through the public loader and stepped one
 * event at a time; every step's head output and the final h_n/c_n must match PyTorch's float32
 * results to 1e-5 absolute.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../src/model/load-model.js';
import { manifestPath, parityCases, readIo, type ParityIo } from './parity-fixtures.js';

const TOLERANCE = 1e-5;
const cases = parityCases();
let worstVsFloat32 = { err: 0, where: '' };
let worstVsFloat64 = { err: 0, where: '' };

interface Run {
  outputs: Float32Array[];
  state: Float32Array;
  hiddenSize: number;
  numLayers: number;
}

async function runCase(name: string, io: ParityIo): Promise<Run> {
  const { model } = await loadModel(manifestPath(name));
  const stepper = model.newStepper();
  const state = model.newState();
  const x = new Float32Array(model.spec.inputSize);
  const out = new Float32Array(model.spec.outputSize);
  const outputs: Float32Array[] = [];
  for (const input of io.inputs) {
    expect(input).toHaveLength(model.spec.inputSize);
    x.set(input);
    stepper.step(state, x, out);
    outputs.push(out.slice());
  }
  return { outputs, state, hiddenSize: model.spec.hiddenSize, numLayers: model.spec.numLayers };
}

/** Largest |actual - expected| over all entries; fails loudly on a length mismatch. */
function maxAbsDiff(actual: ArrayLike<number>, expected: readonly number[]): number {
  expect(actual.length).toBe(expected.length);
  let m = 0;
  for (let i = 0; i < expected.length; i++) m = Math.max(m, Math.abs(actual[i] - expected[i]));
  return m;
}

/** The state vector's slice for h (kind 0) or c (kind 1) of one layer: h of each layer, then c. */
function stateSlice(run: Run, kind: 0 | 1, layer: number): Float32Array {
  const H = run.hiddenSize;
  const start = (kind * run.numLayers + layer) * H;
  return run.state.subarray(start, start + H);
}

function compare(name: string, run: Run, outputs: number[][], hN: number[][], cN: number[][] | null): number {
  let err = 0;
  outputs.forEach((expected, t) => {
    const e = maxAbsDiff(run.outputs[t], expected);
    if (e > TOLERANCE) expect.fail(`${name}: output at step ${t} differs by ${e}`);
    err = Math.max(err, e);
  });
  expect(hN).toHaveLength(run.numLayers);
  hN.forEach((h, l) => (err = Math.max(err, maxAbsDiff(stateSlice(run, 0, l), h))));
  if (cN) cN.forEach((c, l) => (err = Math.max(err, maxAbsDiff(stateSlice(run, 1, l), c))));
  else expect(run.state).toHaveLength(run.numLayers * run.hiddenSize);
  return err;
}

describe('parity with PyTorch', () => {
  it('has fixtures for every cell kind, with 1 and 2 layers, in float32 and float64', () => {
    for (const cell of ['rnn_tanh', 'rnn_relu', 'gru', 'lstm']) {
      for (const layers of [1, 2]) {
        expect(cases.filter((c) => c.startsWith(`${cell}-l${layers}-`)).length).toBeGreaterThanOrEqual(3);
      }
    }
    expect(cases.filter((c) => readIo(c).dtype === 'F64').length).toBeGreaterThanOrEqual(2);
  });

  it.each(cases)('%s: every step output and the final state match PyTorch float32 to 1e-5', async (name) => {
    const io = readIo(name);
    const run = await runCase(name, io);
    expect(run.outputs).toHaveLength(60);
    const err = compare(name, run, io.outputs, io.h_n, io.c_n);
    expect(err).toBeLessThanOrEqual(TOLERANCE);
    if (err > worstVsFloat32.err) worstVsFloat32 = { err, where: name };
    // The same weights evaluated by PyTorch in float64: our float32 run is as close to exact
    // arithmetic as PyTorch's own float32 run is.
    const err64 = compare(name, run, io.outputs_f64, io.h_n_f64, io.c_n_f64);
    expect(err64).toBeLessThanOrEqual(TOLERANCE);
    if (err64 > worstVsFloat64.err) worstVsFloat64 = { err: err64, where: name };
  });

  it('loads a float64 weight file to the same float32 tensors as its float32 twin', async () => {
    const f32 = await loadModel(manifestPath('lstm-l2-i5h16o3'));
    const f64 = await loadModel(manifestPath('lstm-l2-i5h16o3-f64'));
    expect(f64.model.params.layers).toHaveLength(2);
    f32.model.params.layers.forEach((layer, l) => {
      const other = f64.model.params.layers[l];
      expect(other.weightIh).toEqual(layer.weightIh);
      expect(other.weightHh).toEqual(layer.weightHh);
      expect(other.biasIh).toEqual(layer.biasIh);
      expect(other.biasHh).toEqual(layer.biasHh);
    });
    expect(f64.model.params.headWeight).toEqual(f32.model.params.headWeight);
    expect(f64.model.params.headBias).toEqual(f32.model.params.headBias);
    expect(f64.version).not.toBe(f32.version);
  });

  afterAll(() => {
    console.info(
      `parity over ${cases.length} cases: max |ours - torch float32| = ${worstVsFloat32.err.toExponential(2)} (${worstVsFloat32.where}),` +
        ` max |ours - torch float64| = ${worstVsFloat64.err.toExponential(2)} (${worstVsFloat64.where})`,
    );
  });
});
