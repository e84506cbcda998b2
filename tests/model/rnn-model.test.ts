import { describe, expect, it } from 'vitest';
import { initParams } from '../../src/model/init-params.js';
import type { ModelParams } from '../../src/model/model-params.js';
import type { ModelSpec } from '../../src/model/model-spec.js';
import { SeededRandom } from '../../src/model/random.js';
import { RnnModel } from '../../src/model/rnn-model.js';
import { layerParams } from './cells/layer-params.js';

const f32 = (a: number[]) => Float32Array.from(a);

/** Two relu layers of width 1: h0 = relu(x + 0.5 h0), h1 = relu(2 h0 - 0.25 h1); out = 3 h1 + 0.25. */
function stackedRelu(): RnnModel {
  const spec: ModelSpec = { cell: 'rnn_relu', inputSize: 1, hiddenSize: 1, numLayers: 2, outputSize: 1 };
  const params: ModelParams = {
    layers: [layerParams(1, [1], [0.5], [0], [0]), layerParams(1, [2], [-0.25], [0], [0])],
    headWeight: f32([3]),
    headBias: f32([0.25]),
  };
  return new RnnModel(spec, params);
}

/**
 * LSTM, 2 layers of width 2, gates saturated so that i = o = 1 and f = 0: c = g, h = tanh(c).
 * Layer 0: g = tanh(b) with b = [0.1, 0.2]; layer 1: g = tanh(W h0) with W = identity;
 * head = [1, -1] · h1.
 */
function saturatedLstm(): RnnModel {
  const spec: ModelSpec = { cell: 'lstm', inputSize: 1, hiddenSize: 2, numLayers: 2, outputSize: 1 };
  const bias = (g: number[]) => [50, 50, -50, -50, ...g, 50, 50];
  const zeros = (n: number) => new Array<number>(n).fill(0);
  const ihLayer1 = [...zeros(8), 1, 0, 0, 1, ...zeros(4)];
  const params: ModelParams = {
    layers: [
      layerParams(1, zeros(8), zeros(16), bias([0.1, 0.2]), zeros(8)),
      layerParams(2, ihLayer1, zeros(16), bias([0, 0]), zeros(8)),
    ],
    headWeight: f32([1, -1]),
    headBias: f32([0]),
  };
  return new RnnModel(spec, params);
}

describe('RnnModel', () => {
  it('feeds each layer the new h of the layer below and the head the top layer', () => {
    const model = stackedRelu();
    const stepper = model.newStepper();
    const state = model.newState();
    const out = new Float32Array(1);
    stepper.step(state, f32([1]), out);
    // h0 = relu(1) = 1; h1 = relu(2 * 1) = 2 (with the old h0 = 0 it would be 0); out = 6.25.
    expect(Array.from(state)).toEqual([1, 2]);
    expect(out[0]).toBe(6.25);
    stepper.step(state, f32([1]), out);
    // h0 = relu(1 + 0.5) = 1.5; h1 = relu(3 - 0.5) = 2.5; out = 7.75.
    expect(Array.from(state)).toEqual([1.5, 2.5]);
    expect(out[0]).toBe(7.75);
  });

  it('lays the state out as h of each layer, then c of each layer', () => {
    const model = saturatedLstm();
    expect(model.stateSize).toBe(8);
    const state = model.newState();
    const out = new Float32Array(1);
    model.newStepper().step(state, f32([0]), out);
    const c0 = [Math.tanh(0.1), Math.tanh(0.2)];
    const h0 = c0.map(Math.tanh);
    const c1 = h0.map(Math.tanh);
    const h1 = c1.map(Math.tanh);
    const expected = [...h0, ...h1, ...c0, ...c1];
    expected.forEach((v, k) => expect(state[k], `state[${k}]`).toBeCloseTo(v, 7));
    expect(out[0]).toBeCloseTo(h1[0] - h1[1], 7);
  });

  it('starts from a zero state of stateSize: h per layer, and c for LSTM', () => {
    expect(Array.from(stackedRelu().newState())).toEqual([0, 0]);
    const gru = new RnnModel(
      { cell: 'gru', inputSize: 1, hiddenSize: 3, numLayers: 2, outputSize: 1 },
      { layers: [], headWeight: f32([0, 0, 0]), headBias: f32([0]) },
    );
    expect(gru.stateSize).toBe(6);
    expect(saturatedLstm().newState()).toEqual(new Float32Array(8));
  });

  it('gives independent steppers: interleaving two keys equals running each alone', () => {
    const spec: ModelSpec = { cell: 'gru', inputSize: 2, hiddenSize: 3, numLayers: 2, outputSize: 2 };
    const model = new RnnModel(spec, initParams(spec, new SeededRandom(3)));
    const inputs = [f32([0.3, -1]), f32([2, 0.5]), f32([-0.7, 0.1])];
    const alone = (scale: number) => {
      const s = model.newState();
      const st = model.newStepper();
      for (const v of inputs) st.step(s, v.map((e) => e * scale), new Float32Array(2));
      return s;
    };
    const [a, b] = [model.newState(), model.newState()];
    const [sa, sb] = [model.newStepper(), model.newStepper()];
    const out = new Float32Array(2);
    for (const v of inputs) {
      sa.step(a, v, out);
      sb.step(b, v.map((e) => -e), out);
    }
    expect(a).not.toEqual(b);
    expect(a).toEqual(alone(1));
    expect(b).toEqual(alone(-1));
  });

  it('freezes its spec', () => {
    expect(Object.isFrozen(stackedRelu().spec)).toBe(true);
  });
});
