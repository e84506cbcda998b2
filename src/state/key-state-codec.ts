/**
 * Binary encoding of a KeyState, as stored in Redis. Little-endian, deterministic (the same state
 * always gives the same bytes), 27 + modelVersion bytes + 4 * hidden + 8 * memory bytes:
 *
 *   u8   format version (KEY_STATE_FORMAT_VERSION)
 *   u16  modelVersion byte length, then its UTF-8 bytes
 *   i64  step (as lo u32, hi i32; a safe integer >= 0)
 *   i64  lastOffset (as lo u32, hi i32; a safe integer >= -1)
 *   u32  hidden length n, then n float32
 *   u32  memory length m, then m float64 (a 3-slot memory, the layout before the outcome slots
 *        of features/feature-memory.ts, decodes padded with zeros: older states stay readable)
 *   format 2 only: u32 recent-input stride s, u32 count c, then c * s float64, oldest event
 *   first (state/recent-inputs.ts)
 *
 * A state without recent inputs (model.warmStartInputs 0) is written in format 1, byte for byte
 * what builds before format 2 wrote; both formats are read.
 * Values must be finite: a NaN or infinity in a state means a diverged model or a bad transform,
 * and is refused on encode and reported as corruption on decode rather than stored and spread.
 */
import { endianness } from 'node:os';
import { StateCorruptError, type StateCorruptContext } from '../errors/state-corrupt-error.js';
import { FEATURE_MEMORY_SIZE, LEGACY_MEMORY_SIZE } from '../features/feature-memory.js';
import type { KeyState } from './key-state.js';
import { RecentInputs } from './recent-inputs.js';

/** Version byte of a state with recent inputs; one without them is written as format 1. */
export const KEY_STATE_FORMAT_VERSION = 2;
const FORMAT_WITHOUT_RECENT = 1;

const HEADER_BYTES = 1 + 2 + 8 + 8 + 4 + 4;
const TWO_32 = 0x1_0000_0000;
const MAX_VERSION_BYTES = 0xffff;
/** Recent inputs go in and out as one block copy where float64 memory is already little-endian. */
const LITTLE_ENDIAN = endianness() === 'LE';

/** Exact size in bytes of `state` once encoded. */
export function encodedKeyStateLength(state: KeyState): number {
  const recent = state.recent;
  const recentBytes = recent && recent.count > 0 ? 8 + 8 * recent.count * recent.stride : 0;
  return HEADER_BYTES + Buffer.byteLength(state.modelVersion, 'utf8') + 4 * state.hidden.length + 8 * state.memory.length + recentBytes;
}

/** Encodes `state` into a new Buffer. Throws StateCorruptError (naming `key`) on a value that cannot be stored. */
export function encodeKeyState(state: KeyState, key = '?'): Buffer {
  const out = Buffer.allocUnsafe(encodedKeyStateLength(state));
  encodeKeyStateInto(state, out, 0, key);
  return out;
}

/**
 * Encodes `state` into `out` at `offset` (mutates `out`; it must have
 * {@link encodedKeyStateLength} bytes free there). Returns the offset after the last byte written.
 */
export function encodeKeyStateInto(state: KeyState, out: Buffer, offset: number, key = '?'): number {
  const ctx = { key };
  checkInteger(state.step, 0, 'step', ctx);
  checkInteger(state.lastOffset, -1, 'lastOffset', ctx);
  const recent = state.recent && state.recent.count > 0 ? state.recent : undefined;
  let p = out.writeUInt8(recent ? KEY_STATE_FORMAT_VERSION : FORMAT_WITHOUT_RECENT, offset);
  const versionBytes = Buffer.byteLength(state.modelVersion, 'utf8');
  if (versionBytes > MAX_VERSION_BYTES) throw new StateCorruptError(`modelVersion is ${versionBytes} bytes, more than ${MAX_VERSION_BYTES}`, ctx);
  p = out.writeUInt16LE(versionBytes, p);
  p += out.write(state.modelVersion, p, 'utf8');
  p = writeInt64(out, state.step, p);
  p = writeInt64(out, state.lastOffset, p);
  p = out.writeUInt32LE(state.hidden.length, p);
  for (let i = 0; i < state.hidden.length; i++) {
    const v = state.hidden[i];
    if (!Number.isFinite(v)) throw new StateCorruptError(`hidden[${i}] is ${v}; refusing to store a non-finite state`, ctx);
    p = out.writeFloatLE(v, p);
  }
  p = out.writeUInt32LE(state.memory.length, p);
  for (let i = 0; i < state.memory.length; i++) {
    const v = state.memory[i];
    if (!Number.isFinite(v)) throw new StateCorruptError(`memory[${i}] is ${v}; refusing to store a non-finite state`, ctx);
    p = out.writeDoubleLE(v, p);
  }
  if (recent) {
    p = out.writeUInt32LE(recent.stride, p);
    p = out.writeUInt32LE(recent.count, p);
    for (let i = 0; i < recent.count; i++) {
      const at = recent.offsetOf(i);
      for (let j = 0; j < recent.stride; j++) {
        const v = recent.data[at + j];
        if (!Number.isFinite(v)) throw new StateCorruptError(`recent input ${i} field ${j} is ${v}; refusing to store a non-finite state`, ctx);
        if (!LITTLE_ENDIAN) p = out.writeDoubleLE(v, p);
      }
    }
    if (LITTLE_ENDIAN) p = recent.copyBytesTo(out, p);
  }
  return p;
}

/**
 * Decodes bytes written by {@link encodeKeyState}. Throws StateCorruptError carrying `context`
 * (the entity key, and the partition when known) on a wrong version, a length that does not
 * match, trailing bytes or a non-finite value.
 */
export function decodeKeyState(bytes: Uint8Array, context: StateCorruptContext): KeyState {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < HEADER_BYTES) throw new StateCorruptError(`${buf.length} bytes, fewer than the ${HEADER_BYTES}-byte header`, context);
  const version = buf.readUInt8(0);
  if (version !== KEY_STATE_FORMAT_VERSION && version !== FORMAT_WITHOUT_RECENT) {
    throw new StateCorruptError(`format version ${version}, this build reads ${FORMAT_WITHOUT_RECENT} and ${KEY_STATE_FORMAT_VERSION}`, context);
  }
  const versionBytes = buf.readUInt16LE(1);
  let p = 3;
  need(buf, p, versionBytes + 8 + 8 + 4, 'modelVersion, step, lastOffset', context);
  const modelVersion = buf.toString('utf8', p, p + versionBytes);
  p += versionBytes;
  const step = readInt64(buf, p, 'step', 0, context);
  const lastOffset = readInt64(buf, p + 8, 'lastOffset', -1, context);
  p += 16;
  const hiddenLength = buf.readUInt32LE(p);
  p += 4;
  need(buf, p, 4 * hiddenLength + 4, `hidden (${hiddenLength} float32) and memory length`, context);
  const hidden = new Float32Array(hiddenLength);
  for (let i = 0; i < hiddenLength; i++, p += 4) hidden[i] = finite(buf.readFloatLE(p), `hidden[${i}]`, context);
  const memoryLength = buf.readUInt32LE(p);
  p += 4;
  const memoryBytes = 8 * memoryLength;
  if (version === FORMAT_WITHOUT_RECENT ? buf.length - p !== memoryBytes : buf.length - p < memoryBytes + 8) {
    const needs = version === FORMAT_WITHOUT_RECENT ? `${memoryBytes} bytes` : `${memoryBytes} bytes and 8 for the recent inputs`;
    throw new StateCorruptError(`memory of ${memoryLength} float64 needs ${needs}, ${buf.length - p} left`, context);
  }
  // A memory of the layout before the outcome slots existed is padded with zeros: those slots
  // then read as "no return seen yet" (features/feature-memory.ts). Other lengths are kept.
  const memory = new Float64Array(memoryLength === LEGACY_MEMORY_SIZE ? FEATURE_MEMORY_SIZE : memoryLength);
  for (let i = 0; i < memoryLength; i++, p += 8) memory[i] = finite(buf.readDoubleLE(p), `memory[${i}]`, context);
  if (version === FORMAT_WITHOUT_RECENT) return { hidden, memory, step, modelVersion, lastOffset };
  return { hidden, memory, step, modelVersion, lastOffset, recent: decodeRecent(buf, p, context) };
}

/** The recent inputs of a format-2 state, from `p` (stride, count, values) to the end of `buf`. */
function decodeRecent(buf: Buffer, p: number, context: StateCorruptContext): RecentInputs {
  const stride = buf.readUInt32LE(p);
  const count = buf.readUInt32LE(p + 4);
  p += 8;
  if (stride < 2 || count < 1 || buf.length - p !== 8 * stride * count) {
    throw new StateCorruptError(`recent inputs of ${count} x ${stride} float64 do not match the ${buf.length - p} bytes left`, context);
  }
  const recent = new RecentInputs(count, stride);
  if (LITTLE_ENDIAN) {
    recent.loadBytes(buf, p, count);
    const data = recent.data;
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) finite(data[i], `recent input ${Math.floor(i / stride)} field ${i % stride}`, context);
    }
    return recent;
  }
  const entry = new Float64Array(stride);
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < stride; j++, p += 8) entry[j] = finite(buf.readDoubleLE(p), `recent input ${i} field ${j}`, context);
    recent.pushRaw(entry);
  }
  return recent;
}

function need(buf: Buffer, at: number, bytes: number, what: string, context: StateCorruptContext): void {
  if (buf.length - at < bytes) throw new StateCorruptError(`truncated: ${what} needs ${bytes} bytes at ${at}, ${buf.length - at} left`, context);
}

function finite(v: number, what: string, context: StateCorruptContext): number {
  if (!Number.isFinite(v)) throw new StateCorruptError(`${what} is ${v}`, context);
  return v;
}

function checkInteger(v: number, min: number, what: string, context: StateCorruptContext): void {
  if (!Number.isSafeInteger(v) || v < min) throw new StateCorruptError(`${what} is ${v}, not a safe integer >= ${min}`, context);
}

function writeInt64(out: Buffer, v: number, at: number): number {
  const hi = Math.floor(v / TWO_32);
  out.writeUInt32LE(v - hi * TWO_32, at);
  return out.writeInt32LE(hi, at + 4);
}

function readInt64(buf: Buffer, at: number, what: string, min: number, context: StateCorruptContext): number {
  const v = buf.readInt32LE(at + 4) * TWO_32 + buf.readUInt32LE(at);
  if (!Number.isSafeInteger(v) || v < min) throw new StateCorruptError(`${what} is ${v}, not a safe integer >= ${min}`, context);
  return v;
}
