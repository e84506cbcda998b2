/**
 * Binary encoding of an outbox's messages (the predictions of a partition's last batch), stored
 * as one Redis value. Little-endian, deterministic. Only what cannot be rebuilt is stored: the
 * key and the value of each message; headers are rebuilt from the value when the outbox is
 * produced again (records/prediction-headers.ts), so they cost nothing here.
 *
 * Version 2 (written when there are no dead letters: every at_least_once outbox):
 *   u8   2
 *   u32  message count, then per message: u32 key length + UTF-8 key, u32 value length + value
 * Version 3 (written with dead letters, under exactly_once, where they are produced from the
 * outbox in the batch's transaction): version 2's messages, then
 *   u32  dead-letter count, then per dead letter: i32 key length (-1: null) + key bytes,
 *        i32 value length (-1: null) + value bytes, u16 header entry count, then per entry
 *        (a repeated header is one entry per value, in order): u16 name length + UTF-8 name,
 *        u32 value length + value bytes
 * Version 1 (still read, so an outbox left by an older build is re-produced as it was stored):
 *   u8   1
 *   u32  message count, then per message: u32 key length + UTF-8 key, u32 value length + value,
 *        u16 header count, then per header: u16 name length + UTF-8, u32 value length + UTF-8
 */
import { StateCorruptError, type StateCorruptContext } from '../errors/state-corrupt-error.js';
import type { OutboxMessage, OutboxRecord } from './state-store.js';

/** Version byte of an outbox without dead letters; decode reads it, 1 and {@link OUTBOX_WITH_DEAD_LETTERS_VERSION}. */
export const OUTBOX_FORMAT_VERSION = 2;

/** Version byte of an outbox with dead letters (exactly_once). */
export const OUTBOX_WITH_DEAD_LETTERS_VERSION = 3;

/** An outbox read back: predictions, and the dead letters of a version 3 outbox (else none). */
export interface DecodedOutbox {
  readonly messages: OutboxMessage[];
  readonly deadLetters: OutboxRecord[];
}

/**
 * Encodes `messages` (keys and values; headers are not stored) and `deadLetters` (whole) into one
 * Buffer: version 2 when there is no dead letter, else version 3.
 */
export function encodeOutboxMessages(messages: readonly OutboxMessage[], deadLetters: readonly OutboxRecord[] = []): Buffer {
  const withLetters = deadLetters.length > 0;
  let size = 5 + (withLetters ? 4 : 0);
  for (const m of messages) size += 8 + Buffer.byteLength(m.key, 'utf8') + m.value.length;
  for (const l of deadLetters) size += deadLetterSize(l);
  const out = Buffer.allocUnsafe(size);
  let p = out.writeUInt8(withLetters ? OUTBOX_WITH_DEAD_LETTERS_VERSION : OUTBOX_FORMAT_VERSION, 0);
  p = out.writeUInt32LE(messages.length, p);
  for (const m of messages) {
    p = writeString(out, m.key, p);
    p = out.writeUInt32LE(m.value.length, p);
    p += m.value.copy(out, p);
  }
  if (!withLetters) return out;
  p = out.writeUInt32LE(deadLetters.length, p);
  for (const l of deadLetters) {
    p = writeNullable(out, l.key, p);
    p = writeNullable(out, l.value, p);
    const entries = headerEntries(l);
    p = out.writeUInt16LE(entries.length, p);
    for (const [name, value] of entries) {
      const n = out.write(name, p + 2, 'utf8');
      p = out.writeUInt16LE(n, p) + n;
      p = writeBytes(out, value, p);
    }
  }
  return out;
}

/**
 * Decodes bytes written by {@link encodeOutboxMessages} (version 2: no headers, to be rebuilt) or
 * by an older build (version 1: with the headers stored); StateCorruptError with `context` when
 * they do not parse.
 */
export function decodeOutboxMessages(bytes: Buffer, context: StateCorruptContext): OutboxMessage[] {
  return decodeOutbox(bytes, context).messages;
}

/** Decodes an outbox of any version this build reads, dead letters included (version 3). */
export function decodeOutbox(bytes: Buffer, context: StateCorruptContext): DecodedOutbox {
  const r = new Reader(bytes, context);
  const version = r.u8();
  if (version !== OUTBOX_FORMAT_VERSION && version !== 1 && version !== OUTBOX_WITH_DEAD_LETTERS_VERSION) {
    throw new StateCorruptError(`outbox format version ${version}, this build reads 1, 2 and 3`, context);
  }
  const count = r.u32();
  const messages: OutboxMessage[] = [];
  for (let i = 0; i < count; i++) {
    const key = r.bytes(r.u32()).toString('utf8');
    const value = Buffer.from(r.bytes(r.u32()));
    if (version !== 1) {
      messages.push({ key, value });
      continue;
    }
    const headerCount = r.u16();
    const headers: Record<string, string> = {};
    for (let h = 0; h < headerCount; h++) {
      const name = r.bytes(r.u16()).toString('utf8');
      headers[name] = r.bytes(r.u32()).toString('utf8');
    }
    messages.push({ key, value, headers });
  }
  const deadLetters = version === OUTBOX_WITH_DEAD_LETTERS_VERSION ? readDeadLetters(r) : [];
  if (r.at !== bytes.length) throw new StateCorruptError(`outbox has ${bytes.length - r.at} trailing bytes`, context);
  return { messages, deadLetters };
}

function readDeadLetters(r: Reader): OutboxRecord[] {
  const letters: OutboxRecord[] = [];
  const count = r.u32();
  for (let i = 0; i < count; i++) {
    const key = r.nullable();
    const value = r.nullable();
    const headers: Record<string, Buffer | Buffer[]> = {};
    const entries = r.u16();
    for (let h = 0; h < entries; h++) {
      const name = r.bytes(r.u16()).toString('utf8');
      const part = Buffer.from(r.bytes(r.u32()));
      const seen = headers[name];
      headers[name] = seen === undefined ? part : Array.isArray(seen) ? [...seen, part] : [seen, part];
    }
    letters.push({ key, value, headers });
  }
  return letters;
}

/** A dead letter's headers as (name, bytes) entries, a repeated header once per value, in order. */
function headerEntries(l: OutboxRecord): [string, Buffer | string][] {
  const entries: [string, Buffer | string][] = [];
  if (l.headers === undefined) return entries;
  for (const name in l.headers) {
    const v = l.headers[name];
    if (v === undefined) continue;
    for (const part of Array.isArray(v) ? v : [v]) entries.push([name, part]);
  }
  if (entries.length > 0xffff) throw new RangeError(`a dead letter with ${entries.length} headers cannot be kept in the outbox (at most 65,535)`);
  return entries;
}

function deadLetterSize(l: OutboxRecord): number {
  let n = 8 + 2 + byteLength(l.key) + byteLength(l.value);
  for (const [name, value] of headerEntries(l)) n += 2 + Buffer.byteLength(name, 'utf8') + 4 + byteLength(value);
  return n;
}

function byteLength(v: Buffer | string | null): number {
  return v === null ? 0 : typeof v === 'string' ? Buffer.byteLength(v, 'utf8') : v.length;
}

/** Writes `v` after its i32 byte length (-1 for null). */
function writeNullable(out: Buffer, v: Buffer | string | null, at: number): number {
  if (v === null) return out.writeInt32LE(-1, at);
  return writeBytes(out, v, at);
}

/** Writes `v` (UTF-8 when a string) after its u32 byte length. */
function writeBytes(out: Buffer, v: Buffer | string, at: number): number {
  const n = typeof v === 'string' ? out.write(v, at + 4, 'utf8') : v.copy(out, at + 4);
  out.writeUInt32LE(n, at);
  return at + 4 + n;
}

/** Writes `s` as UTF-8 after its u32 byte length (the buffer was sized with Buffer.byteLength). */
function writeString(out: Buffer, s: string, at: number): number {
  const n = out.write(s, at + 4, 'utf8');
  out.writeUInt32LE(n, at);
  return at + 4 + n;
}

/** Bounds-checked sequential reads; every overrun is a StateCorruptError. */
class Reader {
  at = 0;
  constructor(
    private readonly buf: Buffer,
    private readonly context: StateCorruptContext,
  ) {}

  u8(): number {
    this.need(1);
    return this.buf.readUInt8(this.at++);
  }

  u16(): number {
    this.need(2);
    const v = this.buf.readUInt16LE(this.at);
    this.at += 2;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.at);
    this.at += 4;
    return v;
  }

  /** An i32 length (-1: null) and that many bytes, copied. */
  nullable(): Buffer | null {
    this.need(4);
    const n = this.buf.readInt32LE(this.at);
    this.at += 4;
    if (n < -1) throw new StateCorruptError(`outbox has a negative length ${n} at ${this.at - 4}`, this.context);
    return n === -1 ? null : Buffer.from(this.bytes(n));
  }

  bytes(n: number): Buffer {
    this.need(n);
    const v = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return v;
  }

  private need(n: number): void {
    if (this.buf.length - this.at < n) {
      throw new StateCorruptError(`outbox truncated: ${n} bytes needed at ${this.at}, ${this.buf.length - this.at} left`, this.context);
    }
  }
}
