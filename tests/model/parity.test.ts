/**
 * Parity with PyTorch: every fixture in tests/fixtures/parity (written by generate.py from real
 * torch.nn.RNN/GRU/LSTM + nn.Linear modules) is loaded through the public loader and stepped one
 * event at a time; every step's head output and the final h_n/c_n must match PyTorch's float32
 * results to 1e-5 absolute.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../src/model/load-model.js';
import { deviation, manifestPath, parityCases, readIo, runModel } from './parity-fixtures.js';

const TOLERANCE = 1e-5;
const cases = parityCases();
let worstVsFloat32 = { err: 0, where: '' };
let worstVsFloat64 = { err: 0, where: '' };

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
    const { model } = await loadModel(manifestPath(name));
    const run = runModel(model, io.inputs);
    expect(run.outputs).toHaveLength(60);
    const err = deviation(run, io.outputs, io.h_n, io.c_n);
    expect(err).toBeLessThanOrEqual(TOLERANCE);
    if (err > worstVsFloat32.err) worstVsFloat32 = { err, where: name };
    // The same weights evaluated by PyTorch in float64: our float32 run is as close to exact
    // arithmetic as PyTorch's own float32 run is.
    const err64 = deviation(run, io.outputs_f64, io.h_n_f64, io.c_n_f64);
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
