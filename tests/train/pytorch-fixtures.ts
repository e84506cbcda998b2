/** Loads the PyTorch training-parity fixtures written by tests/fixtures/training/generate.py. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CellKind } from '../../src/model/cell-kind.js';
import { paramsFromTensors, type ModelParams } from '../../src/model/model-params.js';
import type { ModelSpec } from '../../src/model/model-spec.js';
import { parseSafetensors } from '../../src/model/safetensors.js';
import type { LossKind, OptimizerOptions, TrainingSequence } from '../../src/train/training-contract.js';

const DIR = fileURLToPath(new URL('../fixtures/training/', import.meta.url));

/** One recorded PyTorch run (see generate.py for how it was produced). */
export interface ParityCase {
  readonly name: string;
  readonly cell: CellKind;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly outputSize: number;
  readonly loss: LossKind;
  readonly huberDelta?: number;
  readonly optimizer: OptimizerOptions;
  readonly clipNorm?: number;
  readonly tbptt?: number;
  /** Token cases: rows of `embedding.weight` (inputSize is the embedding size). */
  readonly vocabSize?: number;
  /** PyTorch's loss and pre-clipping gradient norm of every training call. */
  readonly losses: number[];
  readonly gradNorms: number[];
}

/** The recorded cases. */
export function parityCases(): ParityCase[] {
  return (JSON.parse(readFileSync(`${DIR}cases.json`, 'utf-8')) as { cases: ParityCase[] }).cases;
}

function tensors(file: string): Map<string, Float64Array> {
  const parsed = parseSafetensors(readFileSync(`${DIR}${file}`), file);
  return new Map([...parsed.tensors].map(([name, t]) => [name, Float64Array.from(t.data)]));
}

/** The case's model spec. */
export function specOf(c: ParityCase): ModelSpec {
  return { cell: c.cell, inputSize: c.inputSize, hiddenSize: c.hiddenSize, numLayers: c.numLayers, outputSize: c.outputSize };
}

/** Initial weights as float32 ModelParams; throws if a value is not exactly a float32 (the generator rounds them). */
export function initialParams(c: ParityCase): ModelParams {
  const f32 = new Map<string, Float32Array>();
  for (const [name, data] of tensors(`${c.name}.initial.safetensors`)) {
    const rounded = Float32Array.from(data);
    if (rounded.some((v, i) => v !== data[i])) throw new Error(`${c.name}: ${name} is not float32-exact`);
    f32.set(name, rounded);
  }
  f32.delete('embedding.weight');
  return paramsFromTensors(specOf(c), f32);
}

/** A token case's initial `embedding.weight` (float32-exact); undefined for the other cases. */
export function initialEmbedding(c: ParityCase): Float32Array | undefined {
  const data = tensors(`${c.name}.initial.safetensors`).get('embedding.weight');
  if (!data) return undefined;
  const rounded = Float32Array.from(data);
  if (rounded.some((v, i) => v !== data[i])) throw new Error(`${c.name}: embedding.weight is not float32-exact`);
  return rounded;
}

/** PyTorch's weights after the last call, float64, by tensor name. */
export function finalWeights(c: ParityCase): Map<string, Float64Array> {
  return tensors(`${c.name}.final.safetensors`);
}

/** The case's batch, each sequence cut to its length. */
export function batchOf(c: ParityCase): TrainingSequence[] {
  const d = tensors(`${c.name}.data.safetensors`);
  const lengths = d.get('lengths')!;
  const B = lengths.length;
  const T = d.get('loss_mask')!.length / B;
  const I = c.inputSize;
  const ids = d.get('token_ids');
  const W = c.loss === 'cross_entropy' ? 1 : c.outputSize;
  return Array.from({ length: B }, (_, b) => {
    const n = lengths[b];
    return {
      inputs: ids ? new Float64Array(0) : d.get('inputs')!.slice(b * T * I, (b * T + n) * I),
      ...(ids ? { tokenIds: Int32Array.from(ids.subarray(b * T, b * T + n)) } : {}),
      targets: d.get('targets')!.slice(b * T * W, (b * T + n) * W),
      lossMask: Uint8Array.from(d.get('loss_mask')!.subarray(b * T, b * T + n)),
      resetAfter: Uint8Array.from(d.get('reset_after')!.subarray(b * T, b * T + n)),
      length: n,
    };
  });
}
