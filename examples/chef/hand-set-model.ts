import { ModelFormatError } from '../../src/errors/index.js';
import { RnnModel, paramsFromTensors, type ModelSpec } from '../../src/model/index.js';

/** A matrix written out row by row, as it is printed in the tutorial (rows = outputs). */
export type Matrix = readonly (readonly number[])[];

/** The hand-chosen weights of a one-layer Elman RNN with a linear head. */
export interface HandSetWeights {
  /** The Elman cell's non-linearity; `rnn_relu` unless given. */
  readonly cell?: 'rnn_relu' | 'rnn_tanh';
  /** W_xh, hidden x input: maps today's input into the hidden units. */
  readonly weightIh: Matrix;
  /** W_hh, hidden x hidden: maps yesterday's hidden state (the memory) into the hidden units. */
  readonly weightHh: Matrix;
  /** b, one per hidden unit (stored as PyTorch's bias_ih; bias_hh is zero). */
  readonly bias: readonly number[];
  /** The head, output x hidden: reads the answer out of h_t. */
  readonly head: Matrix;
  /** The head's bias, one per output; zero unless given. */
  readonly headBias?: readonly number[];
}

/**
 * Builds the project's real RnnModel (a one-layer Elman cell, h_t = act(W_xh x_t + W_hh h_{t-1}
 * + b) with act = relu or tanh, plus the head) from matrices written by hand. Sizes are taken
 * from the matrices and checked by the model code itself (paramsFromTensors).
 */
export function handSetModel(weights: HandSetWeights): RnnModel {
  const spec: ModelSpec = {
    cell: weights.cell ?? 'rnn_relu',
    inputSize: weights.weightIh[0].length,
    hiddenSize: weights.weightHh.length,
    numLayers: 1,
    outputSize: weights.head.length,
  };
  const flat = (m: Matrix, tensor: string): Float32Array => {
    const cols = m[0].length;
    const ragged = m.findIndex((row) => row.length !== cols);
    if (ragged >= 0) throw new ModelFormatError(`row ${ragged} has ${m[ragged].length} entries, row 0 has ${cols}`, { tensor });
    return Float32Array.from(m.flat());
  };
  const tensors = new Map<string, Float32Array>([
    ['rnn.weight_ih_l0', flat(weights.weightIh, 'rnn.weight_ih_l0')],
    ['rnn.weight_hh_l0', flat(weights.weightHh, 'rnn.weight_hh_l0')],
    ['rnn.bias_ih_l0', Float32Array.from(weights.bias)],
    ['rnn.bias_hh_l0', new Float32Array(spec.hiddenSize)],
    ['head.weight', flat(weights.head, 'head.weight')],
    ['head.bias', weights.headBias ? Float32Array.from(weights.headBias) : new Float32Array(spec.outputSize)],
  ]);
  return new RnnModel(spec, paramsFromTensors(spec, tensors));
}
