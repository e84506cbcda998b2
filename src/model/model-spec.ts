import { ModelFormatError } from '../errors/index.js';
import { gateCount, hasCellState, type CellKind } from './cell-kind.js';

/** The shape of a model: what the manifest's required fields describe. */
export interface ModelSpec {
  readonly cell: CellKind;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly outputSize: number;
}

/** A named tensor shape, in PyTorch's naming (`rnn.weight_ih_l0`, ..., `head.bias`). */
export interface TensorShape {
  readonly name: string;
  readonly shape: readonly number[];
}

/** Largest accepted size of any dimension: guards against absurd manifests allocating gigabytes. */
export const MAX_DIMENSION = 1 << 16;

/** Checks sizes are positive integers within bounds; throws ModelFormatError naming the field. */
export function validateSpec(spec: ModelSpec, file?: string): void {
  for (const field of ['inputSize', 'hiddenSize', 'numLayers', 'outputSize'] as const) {
    const v = spec[field];
    if (!Number.isInteger(v) || v < 1 || v > MAX_DIMENSION) {
      throw new ModelFormatError(`${field} must be an integer in 1..${MAX_DIMENSION}, got ${String(v)}`, { file });
    }
  }
}

/**
 * The tensors a model of this spec has, in the order PyTorch's state_dict lists them for
 * `rnn = nn.RNN|nn.GRU|nn.LSTM(input, hidden, num_layers, batch_first=True)` and
 * `head = nn.Linear(hidden, output)`.
 */
export function tensorShapes(spec: ModelSpec): TensorShape[] {
  const g = gateCount(spec.cell) * spec.hiddenSize;
  const shapes: TensorShape[] = [];
  for (let l = 0; l < spec.numLayers; l++) {
    const inSize = l === 0 ? spec.inputSize : spec.hiddenSize;
    shapes.push({ name: `rnn.weight_ih_l${l}`, shape: [g, inSize] });
    shapes.push({ name: `rnn.weight_hh_l${l}`, shape: [g, spec.hiddenSize] });
    shapes.push({ name: `rnn.bias_ih_l${l}`, shape: [g] });
    shapes.push({ name: `rnn.bias_hh_l${l}`, shape: [g] });
  }
  shapes.push({ name: 'head.weight', shape: [spec.outputSize, spec.hiddenSize] });
  shapes.push({ name: 'head.bias', shape: [spec.outputSize] });
  return shapes;
}

/**
 * Length of one key's recurrent state vector: h of every layer, then (LSTM) c of every layer,
 * each `hiddenSize` long, layer 0 first: the layout of PyTorch's h_n and c_n for batch 1.
 */
export function stateSize(spec: ModelSpec): number {
  return spec.numLayers * spec.hiddenSize * (hasCellState(spec.cell) ? 2 : 1);
}
