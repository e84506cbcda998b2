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
  return HEADER_BYTES + versionBytesOf(state.modelVersion).length + 4 * state.hidden.length + 8 * state.memory.length + recentBytes;
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
 * Numbers go through a DataView of `out`'s memory (explicitly little-endian) and the recent inputs
 * as one block copy on little-endian hosts; every value is checked finite first, so nothing is
 * written for a state that is refused.
 */
export function encodeKeyStateInto(state: KeyState, out: Buffer, offset: number, key = '?'): number {
  checkInteger(state.step, 0, 'step', key);
  checkInteger(state.lastOffset, -1, 'lastOffset', key);
  const { hidden, memory } = state;
  for (let i = 0; i < hidden.length; i++) {
    if (!Number.isFinite(hidden[i])) throw new StateCorruptError(`hidden[${i}] is ${hidden[i]}; refusing to store a non-finite state`, { key });
  }
  for (let i = 0; i < memory.length; i++) {
    if (!Number.isFinite(memory[i])) throw new StateCorruptError(`memory[${i}] is ${memory[i]}; refusing to store a non-finite state`, { key });
  }
  const recent = state.recent && state.recent.count > 0 ? state.recent : undefined;
  if (recent) checkRecentFinite(recent, key);
  const versionBytes = versionBytesOf(state.modelVersion);
  if (versionBytes.length > MAX_VERSION_BYTES) throw new StateCorruptError(`modelVersion is ${versionBytes.length} bytes, more than ${MAX_VERSION_BYTES}`, { key });
  const view = viewOf(out);
  const base = out.byteOffset;
  let p = offset;
  out[p++] = recent ? KEY_STATE_FORMAT_VERSION : FORMAT_WITHOUT_RECENT;
  view.setUint16(base + p, versionBytes.length, true);
  p += 2;
  for (let i = 0; i < versionBytes.length; i++) out[p++] = versionBytes[i];
  p = writeInt64(view, base, state.step, p);
  p = writeInt64(view, base, state.lastOffset, p);
  view.setUint32(base + p, hidden.length, true);
  p += 4;
  for (let i = 0; i < hidden.length; i++, p += 4) view.setFloat32(base + p, hidden[i], true);
  view.setUint32(base + p, memory.length, true);
  p += 4;
  for (let i = 0; i < memory.length; i++, p += 8) view.setFloat64(base + p, memory[i], true);
  if (recent) {
    view.setUint32(base + p, recent.stride, true);
    view.setUint32(base + p + 4, recent.count, true);
    p += 8;
    if (LITTLE_ENDIAN) return recent.copyBytesTo(out, p);
    for (let i = 0; i < recent.count; i++) {
      const at = recent.offsetOf(i);
      for (let j = 0; j < recent.stride; j++, p += 8) view.setFloat64(base + p, recent.data[at + j], true);
    }
  }
  return p;
}

/** Throws StateCorruptError naming the first held entry (oldest first) and field that is not finite. */
function checkRecentFinite(recent: RecentInputs, key: string): void {
  const data = recent.data;
  const first = recent.offsetOf(0);
  const total = recent.count * recent.stride;
  // The held values in held order: from the oldest entry to the end of the ring, then from its start.
  const run = Math.min(total, data.length - first);
  // x - x is 0 for a finite x and NaN otherwise: sums over the held values say whether any is not
  // finite; only then are they searched for the first.
  if (finiteProbe(data, first, first + run) + finiteProbe(data, 0, total - run) === 0) return;
  for (let k = 0; k < run; k++) if (!Number.isFinite(data[first + k])) nonFiniteRecent(recent, k, data[first + k], key);
  for (let k = run; k < total; k++) if (!Number.isFinite(data[k - run])) nonFiniteRecent(recent, k, data[k - run], key);
}

/**
 * The sum of x - x over `data[from..to)`: 0 when every value there is finite, NaN otherwise. Four
 * independent sums, so that the additions overlap instead of waiting on one another.
 */
function finiteProbe(data: Float64Array, from: number, to: number): number {
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  let k = from;
  for (; k + 4 <= to; k += 4) {
    a += data[k] - data[k];
    b += data[k + 1] - data[k + 1];
    c += data[k + 2] - data[k + 2];
    d += data[k + 3] - data[k + 3];
  }
  for (; k < to; k++) a += data[k] - data[k];
  return a + b + c + d;
}

function nonFiniteRecent(recent: RecentInputs, k: number, v: number, key: string): never {
  throw new StateCorruptError(`recent input ${Math.floor(k / recent.stride)} field ${k % recent.stride} is ${v}; refusing to store a non-finite state`, { key });
}

/** A DataView of `out`'s whole ArrayBuffer, kept while consecutive calls write into the same memory (one batch's buffer). */
let lastView: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
function viewOf(out: Buffer): DataView {
  if (lastView.buffer !== out.buffer) lastView = new DataView(out.buffer);
  return lastView;
}

/** UTF-8 bytes of a model version, kept for the last version seen (a batch's states share one). */
let lastVersion = '';
let lastVersionBytes = Buffer.alloc(0);
function versionBytesOf(version: string): Buffer {
  if (version !== lastVersion) {
    lastVersionBytes = Buffer.from(version, 'utf8');
    lastVersion = version;
  }
  return lastVersionBytes;
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

function checkInteger(v: number, min: number, what: string, key: string): void {
  if (!Number.isSafeInteger(v) || v < min) throw new StateCorruptError(`${what} is ${v}, not a safe integer >= ${min}`, { key });
}

/** A safe integer as int64 little-endian (lo u32, hi i32) at byte `at` of the Buffer whose memory starts at `base` in `view`. */
function writeInt64(view: DataView, base: number, v: number, at: number): number {
  const hi = Math.floor(v / TWO_32);
  view.setUint32(base + at, v - hi * TWO_32, true);
  view.setInt32(base + at + 4, hi, true);
  return at + 8;
}

function readInt64(buf: Buffer, at: number, what: string, min: number, context: StateCorruptContext): number {
  const v = buf.readInt32LE(at + 4) * TWO_32 + buf.readUInt32LE(at);
  if (!Number.isSafeInteger(v) || v < min) throw new StateCorruptError(`${what} is ${v}, not a safe integer >= ${min}`, context);
  return v;
}
