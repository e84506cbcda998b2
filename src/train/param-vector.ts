/**
 * All parameters of a model (or their gradients, or optimiser moments) in one flat float64
 * buffer, with per-tensor views in PyTorch's state_dict order. Optimisers and gradient clipping
 * work on the flat buffer; the cells read the per-layer views. A token model's embedding table
 * (`embedding.weight`, vocabulary size x inputSize) comes first, as `embedding = nn.Embedding`
 * declared before `rnn` puts it first in PyTorch's state_dict.
 */
import { ModelFormatError } from '../errors/index.js';
import { paramsToTensors, type ModelParams } from '../model/model-params.js';
import { EMBEDDING_TENSOR } from '../model/load-model.js';
import { tensorShapes, type ModelSpec, type TensorShape } from '../model/model-spec.js';

/** Float64 weights of one recurrent layer: views into a {@link ParamVector}'s buffer. */
export interface LayerParams64 {
  readonly weightIh: Float64Array;
  readonly weightHh: Float64Array;
  readonly biasIh: Float64Array;
  readonly biasHh: Float64Array;
  /** Columns of weightIh: the model input size for layer 0, hiddenSize above. */
  readonly inSize: number;
}

/** A flat float64 parameter buffer shaped like a model of `spec`. */
export class ParamVector {
  readonly spec: ModelSpec;
  /** Every parameter, tensors back to back in state_dict order. */
  readonly values: Float64Array;
  readonly layers: readonly LayerParams64[];
  readonly headWeight: Float64Array;
  readonly headBias: Float64Array;
  /** Token models: `embedding.weight`, vocabSize x inputSize, row-major; else undefined. */
  readonly embedding: Float64Array | undefined;
  /** Rows of {@link embedding}; 0 without one. */
  readonly vocabSize: number;
  /** Views into {@link values} keyed by PyTorch tensor name, in state_dict order. */
  readonly tensors: ReadonlyMap<string, Float64Array>;
  readonly shapes: readonly TensorShape[];

  /**
   * A zero-filled vector; with `vocabSize` > 0, an embedding table of that many rows first. Views
   * over `values` instead (exactly {@link ParamVector.size} long, contents kept) when given, e.g.
   * an array in kernel memory.
   */
  constructor(spec: ModelSpec, vocabSize = 0, values?: Float64Array) {
    this.spec = spec;
    this.vocabSize = vocabSize;
    const rnn = tensorShapes(spec);
    this.shapes = vocabSize > 0 ? [{ name: EMBEDDING_TENSOR, shape: [vocabSize, spec.inputSize] }, ...rnn] : rnn;
    const total = ParamVector.size(spec, vocabSize);
    if (values && values.length !== total) throw new RangeError(`a parameter vector of this spec holds ${total} values, got an array of ${values.length}`);
    this.values = values ?? new Float64Array(total);
    const tensors = new Map<string, Float64Array>();
    let offset = 0;
    for (const t of this.shapes) {
      const size = t.shape.reduce((a, b) => a * b, 1);
      tensors.set(t.name, this.values.subarray(offset, offset + size));
      offset += size;
    }
    this.tensors = tensors;
    const layers: LayerParams64[] = [];
    for (let l = 0; l < spec.numLayers; l++) {
      layers.push({
        weightIh: tensors.get(`rnn.weight_ih_l${l}`)!,
        weightHh: tensors.get(`rnn.weight_hh_l${l}`)!,
        biasIh: tensors.get(`rnn.bias_ih_l${l}`)!,
        biasHh: tensors.get(`rnn.bias_hh_l${l}`)!,
        inSize: l === 0 ? spec.inputSize : spec.hiddenSize,
      });
    }
    this.layers = layers;
    this.headWeight = tensors.get('head.weight')!;
    this.headBias = tensors.get('head.bias')!;
    this.embedding = tensors.get(EMBEDDING_TENSOR);
  }

  /** Values in a parameter vector of `spec` (with an embedding table of `vocabSize` rows). */
  static size(spec: ModelSpec, vocabSize = 0): number {
    return vocabSize * spec.inputSize + tensorShapes(spec).reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0);
  }

  /**
   * Float64 copy of float32 parameters (exact: every float32 is a float64). Throws
   * ModelFormatError naming the tensor when a layer is missing or a tensor has the wrong size.
   * `embedding` (vocabulary size x inputSize) adds a token model's embedding table.
   */
  static fromModelParams(spec: ModelSpec, params: ModelParams, embedding?: Float32Array): ParamVector {
    if (embedding && embedding.length % spec.inputSize !== 0) {
      throw new ModelFormatError(`expected a multiple of inputSize ${spec.inputSize} values, got ${embedding.length}`, { tensor: EMBEDDING_TENSOR });
    }
    const v = new ParamVector(spec, embedding ? embedding.length / spec.inputSize : 0);
    if (embedding) v.embedding!.set(embedding);
    if (params.layers.length !== spec.numLayers) {
      throw new ModelFormatError(`initial parameters have ${params.layers.length} layers, the spec ${spec.numLayers}`);
    }
    for (const [name, src] of paramsToTensors(spec, params)) {
      const dst = v.tensors.get(name)!;
      if (src.length !== dst.length) throw new ModelFormatError(`expected ${dst.length} values, got ${src.length}`, { tensor: name });
      dst.set(src);
    }
    return v;
  }

  /** Float32 copy (each value rounded to nearest), e.g. for saving or for the float32 runtime. */
  toModelParams(): ModelParams {
    return {
      layers: this.layers.map((p) => ({
        weightIh: Float32Array.from(p.weightIh),
        weightHh: Float32Array.from(p.weightHh),
        biasIh: Float32Array.from(p.biasIh),
        biasHh: Float32Array.from(p.biasHh),
        inSize: p.inSize,
      })),
      headWeight: Float32Array.from(this.headWeight),
      headBias: Float32Array.from(this.headBias),
    };
  }

  /** Float32 copy of the embedding table (rounded to nearest); undefined without one. */
  embeddingF32(): Float32Array | undefined {
    return this.embedding && Float32Array.from(this.embedding);
  }

  /** Copies of every tensor keyed by PyTorch name, in state_dict order. */
  copyTensors(): Map<string, Float64Array> {
    const out = new Map<string, Float64Array>();
    for (const [name, t] of this.tensors) out.set(name, Float64Array.from(t));
    return out;
  }
}
