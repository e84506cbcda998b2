/**
 * Reads a safetensors file into float64 arrays, for the chaos verifier's reference model. Written
 * from the format's description (8-byte little-endian header length, a JSON header of
 * {name: {dtype, shape, data_offsets}}, then the data), not from the project's own reader.
 */
import { readFileSync } from 'node:fs';

/** One tensor: its shape and its values widened to float64, row-major. */
export interface Tensor64 {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

/** Every tensor of the file by name (F32 and F64 only; `__metadata__` skipped). */
export function readSafetensors64(path: string): Map<string, Tensor64> {
  const bytes = readFileSync(path);
  const headerLength = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8')) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  const base = 8 + headerLength;
  const tensors = new Map<string, Tensor64>();
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const [from, to] = info.data_offsets;
    const width = info.dtype === 'F32' ? 4 : info.dtype === 'F64' ? 8 : 0;
    if (width === 0) throw new Error(`${path}: tensor ${name} has dtype ${info.dtype}; the reference reads F32 and F64 only`);
    const count = (to - from) / width;
    const data = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      const at = base + from + i * width;
      data[i] = width === 4 ? bytes.readFloatLE(at) : bytes.readDoubleLE(at);
    }
    tensors.set(name, { shape: info.shape, data });
  }
  return tensors;
}
