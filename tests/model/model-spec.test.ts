import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelFormatError } from '../../src/errors/index.js';
import { CELL_KINDS, gateCount, hasCellState } from '../../src/model/cell-kind.js';
import { stateSize, tensorShapes, validateSpec, type ModelSpec } from '../../src/model/model-spec.js';
import { PARITY_DIR } from './parity-fixtures.js';

/** Tensor names and shapes as PyTorch wrote them, read straight from a fixture's header. */
function torchShapes(fixture: string): Record<string, number[]> {
  const bytes = readFileSync(join(PARITY_DIR, `${fixture}.safetensors`));
  const n = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf-8')) as Record<string, { shape: number[] }>;
  delete header.__metadata__;
  return Object.fromEntries(Object.entries(header).map(([k, v]) => [k, v.shape]));
}

describe('tensorShapes', () => {
  it.each([
    ['rnn_tanh', 'rnn_tanh-l2-i5h16o3'],
    ['rnn_relu', 'rnn_relu-l1-i3h8o2'],
    ['gru', 'gru-l2-i8h32o1'],
    ['lstm', 'lstm-l2-i5h16o3'],
  ] as const)('lists the names and shapes PyTorch writes for %s (%s)', (cell, fixture) => {
    const [, l, i, h, o] = /-l(\d+)-i(\d+)h(\d+)o(\d+)/.exec(fixture)!.map(Number);
    const spec: ModelSpec = { cell, inputSize: i, hiddenSize: h, numLayers: l, outputSize: o };
    const ours = Object.fromEntries(tensorShapes(spec).map((t) => [t.name, [...t.shape]]));
    expect(ours).toEqual(torchShapes(fixture));
  });

  it('lists tensors in state_dict order: per layer weight_ih, weight_hh, bias_ih, bias_hh, then the head', () => {
    const names = tensorShapes({ cell: 'gru', inputSize: 1, hiddenSize: 1, numLayers: 2, outputSize: 1 }).map((t) => t.name);
    expect(names).toEqual([
      'rnn.weight_ih_l0', 'rnn.weight_hh_l0', 'rnn.bias_ih_l0', 'rnn.bias_hh_l0',
      'rnn.weight_ih_l1', 'rnn.weight_hh_l1', 'rnn.bias_ih_l1', 'rnn.bias_hh_l1',
      'head.weight', 'head.bias',
    ]);
  });
});

describe('cell kinds', () => {
  it('stack 1, 1, 3 and 4 gate blocks; only LSTM has a cell state', () => {
    expect(CELL_KINDS.map(gateCount)).toEqual([1, 1, 3, 4]);
    expect(CELL_KINDS.map(hasCellState)).toEqual([false, false, false, true]);
  });
});

describe('stateSize', () => {
  it('is layers x hidden, doubled for LSTM', () => {
    const spec = { inputSize: 3, hiddenSize: 5, numLayers: 3, outputSize: 1 };
    expect(stateSize({ ...spec, cell: 'gru' })).toBe(15);
    expect(stateSize({ ...spec, cell: 'rnn_relu' })).toBe(15);
    expect(stateSize({ ...spec, cell: 'lstm' })).toBe(30);
  });
});

describe('validateSpec', () => {
  const ok: ModelSpec = { cell: 'gru', inputSize: 3, hiddenSize: 8, numLayers: 2, outputSize: 1 };

  it('accepts sizes from 1 to 65536', () => {
    expect(() => validateSpec({ ...ok, hiddenSize: 1 })).not.toThrow();
    expect(() => validateSpec({ ...ok, inputSize: 65536 })).not.toThrow();
  });

  it.each([
    ['hiddenSize', 0],
    ['numLayers', 1.5],
    ['outputSize', 65537],
    ['inputSize', Number.NaN],
  ] as const)('rejects %s = %s, naming the field and the rule', (field, value) => {
    const call = () => validateSpec({ ...ok, [field]: value }, 'm.json');
    expect(call).toThrow(ModelFormatError);
    expect(call).toThrow(`m.json: ${field} must be an integer in 1..65536, got ${value}`);
  });
});
