/** Builders for safetensors files in tests: valid weights for a spec, and hand-crafted raw files. */
import { tensorShapes, type ModelSpec } from '../../src/model/model-spec.js';
import { serializeSafetensors } from '../../src/model/safetensors.js';

/** A tensor as serializeSafetensors takes it. */
export interface TestTensor {
  shape: readonly number[];
  data: Float32Array | Float64Array;
}

/** Every tensor a model of `spec` needs, in state_dict order, filled with small distinct values. */
export function validTensors(spec: ModelSpec): Map<string, TestTensor> {
  const out = new Map<string, TestTensor>();
  let k = 0;
  for (const { name, shape } of tensorShapes(spec)) {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = Math.fround(((k++ % 17) - 8) / 64);
    out.set(name, { shape, data });
  }
  return out;
}

/** A valid weights file for `spec`, optionally edited before serialising. */
export function weightsBytes(spec: ModelSpec, edit?: (t: Map<string, TestTensor>) => void): Uint8Array {
  const tensors = validTensors(spec);
  edit?.(tensors);
  return serializeSafetensors(tensors);
}

/**
 * A safetensors file written byte by byte: 8-byte little-endian header length, the header text
 * as given (not necessarily JSON), then `data`. Lets tests express dtypes and damage that the
 * serializer cannot produce.
 */
export function rawSafetensors(headerText: string, data: Uint8Array): Uint8Array {
  const header = new TextEncoder().encode(headerText);
  const out = new Uint8Array(8 + header.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(header.length), true);
  out.set(header, 8);
  out.set(data, 8 + header.length);
  return out;
}
