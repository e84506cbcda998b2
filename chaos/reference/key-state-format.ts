/**
 * Parses a stored key state as docs/state.md ("KeyState encoding") describes it, independently of
 * src/state/key-state-codec.ts: little-endian; u8 format version (1, or 2 with recent inputs); u16
 * length + UTF-8 model version; i64 step (lo u32, hi i32); i64 lastOffset; u32 count + float32
 * hidden; u32 count + float64 memory (previous price, previous ts, seen, latest log return,
 * returns seen, EWMA variance of the returns); format 2 only: u32 stride + u32 count + count
 * events of stride float64, oldest first (tick: ts, flags, price, volume). Throws on any length
 * mismatch.
 */

/** A stored state as read from Redis. */
export interface StoredKeyState {
  readonly modelVersion: string;
  readonly step: number;
  readonly lastOffset: number;
  readonly hidden: Float32Array;
  readonly memory: Float64Array;
  /** Format 2: the recent input events, oldest first, each `stride` numbers; format 1: none. */
  readonly recent: readonly Float64Array[];
}

export function parseStoredKeyState(bytes: Buffer): StoredKeyState {
  let at = 0;
  const need = (n: number): void => {
    if (at + n > bytes.length) throw new Error(`state of ${bytes.length} bytes ends inside a field at ${at}`);
  };
  need(1);
  const format = bytes.readUInt8(at);
  at += 1;
  if (format !== 1 && format !== 2) throw new Error(`state format ${format}, expected 1 or 2`);
  need(2);
  const versionLength = bytes.readUInt16LE(at);
  at += 2;
  need(versionLength);
  const modelVersion = bytes.subarray(at, at + versionLength).toString('utf8');
  at += versionLength;
  const int64 = (): number => {
    need(8);
    const lo = bytes.readUInt32LE(at);
    const hi = bytes.readInt32LE(at + 4);
    at += 8;
    return hi * 2 ** 32 + lo;
  };
  const step = int64();
  const lastOffset = int64();
  need(4);
  const hiddenCount = bytes.readUInt32LE(at);
  at += 4;
  need(4 * hiddenCount);
  const hidden = new Float32Array(hiddenCount);
  for (let i = 0; i < hiddenCount; i++) hidden[i] = bytes.readFloatLE(at + 4 * i);
  at += 4 * hiddenCount;
  need(4);
  const memoryCount = bytes.readUInt32LE(at);
  at += 4;
  need(8 * memoryCount);
  const memory = new Float64Array(memoryCount);
  for (let i = 0; i < memoryCount; i++) memory[i] = bytes.readDoubleLE(at + 8 * i);
  at += 8 * memoryCount;
  const recent: Float64Array[] = [];
  if (format === 2) {
    need(8);
    const stride = bytes.readUInt32LE(at);
    const count = bytes.readUInt32LE(at + 4);
    at += 8;
    need(8 * stride * count);
    for (let i = 0; i < count; i++) {
      const entry = new Float64Array(stride);
      for (let j = 0; j < stride; j++, at += 8) entry[j] = bytes.readDoubleLE(at);
      recent.push(entry);
    }
  }
  if (at !== bytes.length) throw new Error(`state has ${bytes.length - at} trailing bytes`);
  return { modelVersion, step, lastOffset, hidden, memory, recent };
}
