import { ModelFormatError } from '../errors/index.js';
import { tensorShapes, type ModelSpec } from './model-spec.js';

/** Weights of one recurrent layer, row-major, gates stacked in PyTorch's order. */
export interface LayerParams {
  readonly weightIh: Float32Array;
  readonly weightHh: Float32Array;
  readonly biasIh: Float32Array;
  readonly biasHh: Float32Array;
  /** Columns of weightIh: the model input size for layer 0, hiddenSize above. */
  readonly inSize: number;
}

/** All parameters of a model: the stacked recurrent layers and the linear head. */
export interface ModelParams {
  readonly layers: readonly LayerParams[];
  readonly headWeight: Float32Array;
  readonly headBias: Float32Array;
}

/**
 * Builds ModelParams from tensors keyed by PyTorch name. Every expected tensor must be present
 * with exactly the expected element count (shapes are checked by the caller that knows them);
 * extra tensors are an error, since they mean the file is for another architecture.
 */
export function paramsFromTensors(spec: ModelSpec, tensors: ReadonlyMap<string, Float32Array>, file?: string): ModelParams {
  const expected = tensorShapes(spec);
  const names = new Set(expected.map((t) => t.name));
  for (const name of tensors.keys()) {
    if (!names.has(name)) {
      throw new ModelFormatError(
        `unexpected tensor for a ${spec.numLayers}-layer ${spec.cell} model (expected ${[...names].join(', ')})`,
        { file, tensor: name },
      );
    }
  }
  const get = (name: string, size: number): Float32Array => {
    const t = tensors.get(name);
    if (!t) throw new ModelFormatError('missing tensor', { file, tensor: name });
    if (t.length !== size) {
      throw new ModelFormatError(`expected ${size} elements, got ${t.length}`, { file, tensor: name });
    }
    return t;
  };
  const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
  const shapeOf = new Map(expected.map((t) => [t.name, t.shape]));
  const take = (name: string) => get(name, size(shapeOf.get(name)!));
  const layers: LayerParams[] = [];
  for (let l = 0; l < spec.numLayers; l++) {
    layers.push({
      weightIh: take(`rnn.weight_ih_l${l}`),
      weightHh: take(`rnn.weight_hh_l${l}`),
      biasIh: take(`rnn.bias_ih_l${l}`),
      biasHh: take(`rnn.bias_hh_l${l}`),
      inSize: l === 0 ? spec.inputSize : spec.hiddenSize,
    });
  }
  return { layers, headWeight: take('head.weight'), headBias: take('head.bias') };
}

/** The inverse of {@link paramsFromTensors}: tensors keyed by PyTorch name, in state_dict order. */
export function paramsToTensors(spec: ModelSpec, params: ModelParams): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  params.layers.forEach((layer, l) => {
    out.set(`rnn.weight_ih_l${l}`, layer.weightIh);
    out.set(`rnn.weight_hh_l${l}`, layer.weightHh);
    out.set(`rnn.bias_ih_l${l}`, layer.biasIh);
    out.set(`rnn.bias_hh_l${l}`, layer.biasHh);
  });
  out.set('head.weight', params.headWeight);
  out.set('head.bias', params.headBias);
  if (out.size !== tensorShapes(spec).length) throw new ModelFormatError('parameter count does not match the spec');
  return out;
}
