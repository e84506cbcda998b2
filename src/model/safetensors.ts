/**
 * Reading and writing the safetensors format (https://github.com/huggingface/safetensors):
 * an 8-byte little-endian header length N, N bytes of JSON header
 * `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?: {string: string}}`,
 * then the little-endian tensor bytes. Only F32 and F64 tensors are read (F64 is converted to
 * float32 by the model loader); everything else is rejected with the tensor's name.
 */
import { ModelFormatError } from '../errors/index.js';

/** One tensor as stored: its dtype, shape and values (a copy, safe to keep). */
export interface StoredTensor {
  readonly dtype: 'F32' | 'F64';
  readonly shape: readonly number[];
  readonly data: Float32Array | Float64Array;
}

/** A parsed file: its tensors by name, and the free-form string metadata. */
export interface SafetensorsFile {
  readonly tensors: Map<string, StoredTensor>;
  readonly metadata: Record<string, string>;
}

const MAX_HEADER_BYTES = 100 * 1024 * 1024;
const BYTES = { F32: 4, F64: 8 } as const;

/** Parses a safetensors buffer, validating header, dtypes, shapes and offsets. */
export function parseSafetensors(buf: Uint8Array, file?: string): SafetensorsFile {
  if (buf.byteLength < 8) throw new ModelFormatError('file too short for a safetensors header', { file });
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const headerLen = Number(view.getBigUint64(0, true));
  if (headerLen > MAX_HEADER_BYTES || 8 + headerLen > buf.byteLength) {
    throw new ModelFormatError(`header length ${headerLen} exceeds the file (${buf.byteLength} bytes)`, { file });
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(8, 8 + headerLen)));
  } catch (cause) {
    throw new ModelFormatError('header is not valid UTF-8 JSON', { file }, { cause });
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new ModelFormatError('header is not a JSON object', { file });
  }
  const ranges: [number, number, string][] = [];
  const dataStart = 8 + headerLen;
  const dataLen = buf.byteLength - dataStart;
  const tensors = new Map<string, StoredTensor>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof entry !== 'object' || entry === null || Object.values(entry).some((v) => typeof v !== 'string')) {
        throw new ModelFormatError('__metadata__ must map strings to strings', { file });
      }
      metadata = entry as Record<string, string>;
      continue;
    }
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (e.dtype !== 'F32' && e.dtype !== 'F64') {
      throw new ModelFormatError(`dtype ${String(e.dtype)} is not supported (expected F32 or F64)`, { file, tensor: name });
    }
    if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new ModelFormatError(`shape ${JSON.stringify(e.shape)} is not a list of non-negative integers`, { file, tensor: name });
    }
    const offsets = e.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isInteger(o) && o >= 0)) {
      throw new ModelFormatError(`data_offsets ${JSON.stringify(offsets)} are invalid`, { file, tensor: name });
    }
    const [begin, end] = offsets as [number, number];
    const count = (e.shape as number[]).reduce((a, b) => a * b, 1);
    const width = BYTES[e.dtype];
    if (end < begin || end > dataLen || end - begin !== count * width) {
      throw new ModelFormatError(
        `data_offsets [${begin}, ${end}] do not hold ${count} ${e.dtype} values within ${dataLen} data bytes`,
        { file, tensor: name },
      );
    }
    // Copy into a fresh, aligned ArrayBuffer. Not `buf.slice`: on a Node Buffer (what readFile
    // returns) slice is a view into the same memory, and `.buffer` would start elsewhere.
    ranges.push([begin, end, name]);
    const bytes = new Uint8Array(buf.subarray(dataStart + begin, dataStart + end));
    const data = e.dtype === 'F32' ? new Float32Array(bytes.buffer, 0, count) : new Float64Array(bytes.buffer, 0, count);
    tensors.set(name, { dtype: e.dtype, shape: e.shape as number[], data });
  }
  // As Python's reader: tensors must tile the data section exactly, no overlap and no gap.
  ranges.sort((a, b) => a[0] - b[0]);
  let expectedBegin = 0;
  for (const [begin, end, name] of ranges) {
    if (begin !== expectedBegin) {
      throw new ModelFormatError(`data_offsets start at ${begin}, expected ${expectedBegin} (overlap or gap)`, { file, tensor: name });
    }
    expectedBegin = end;
  }
  if (expectedBegin !== dataLen) {
    throw new ModelFormatError(`tensors cover ${expectedBegin} of ${dataLen} data bytes`, { file });
  }
  return { tensors, metadata };
}

/**
 * Serialises tensors (in the map's order) to safetensors bytes, as Python's `safetensors`
 * writes them: header padded with spaces to a multiple of 8 bytes, data packed back to back.
 */
export function serializeSafetensors(
  tensors: ReadonlyMap<string, { shape: readonly number[]; data: Float32Array | Float64Array }>,
  metadata?: Record<string, string>,
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of tensors) {
    const dtype = t.data instanceof Float64Array ? 'F64' : 'F32';
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) throw new ModelFormatError(`shape ${JSON.stringify(t.shape)} does not match ${t.data.length} values`, { tensor: name });
    header[name] = { dtype, shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  const pad = (8 - (Buffer.byteLength(json) % 8)) % 8;
  json += ' '.repeat(pad);
  const headerBytes = Buffer.from(json, 'utf-8');
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.length;
  for (const t of tensors.values()) {
    // Typed arrays are little-endian on every platform Node supports (x64, arm64).
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), pos);
    pos += t.data.byteLength;
  }
  return out;
}
