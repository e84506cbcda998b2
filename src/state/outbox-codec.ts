/**
 * Binary encoding of an outbox's messages (the predictions of a partition's last batch), stored
 * as one Redis value. Little-endian, deterministic. Only what cannot be rebuilt is stored: the
 * key and the value of each message; headers are rebuilt from the value when the outbox is
 * produced again (records/prediction-headers.ts), so they cost nothing here.
 *
 * Version 2 (written):
 *   u8   2
 *   u32  message count, then per message: u32 key length + UTF-8 key, u32 value length + value
 * Version 1 (still read, so an outbox left by an older build is re-produced as it was stored):
 *   u8   1
 *   u32  message count, then per message: u32 key length + UTF-8 key, u32 value length + value,
 *        u16 header count, then per header: u16 name length + UTF-8, u32 value length + UTF-8
 */
import { StateCorruptError, type StateCorruptContext } from '../errors/state-corrupt-error.js';
import type { OutboxMessage } from './state-store.js';

/** Version byte written first; decode reads this one and version 1, and refuses any other. */
export const OUTBOX_FORMAT_VERSION = 2;

/** Encodes `messages` (keys and values; headers are not stored) into one Buffer. */
export function encodeOutboxMessages(messages: readonly OutboxMessage[]): Buffer {
  let size = 5;
  for (const m of messages) size += 8 + Buffer.byteLength(m.key, 'utf8') + m.value.length;
  const out = Buffer.allocUnsafe(size);
  let p = out.writeUInt8(OUTBOX_FORMAT_VERSION, 0);
  p = out.writeUInt32LE(messages.length, p);
  for (const m of messages) {
    p = writeString(out, m.key, p);
    p = out.writeUInt32LE(m.value.length, p);
    p += m.value.copy(out, p);
  }
  return out;
}

/**
 * Decodes bytes written by {@link encodeOutboxMessages} (version 2: no headers, to be rebuilt) or
 * by an older build (version 1: with the headers stored); StateCorruptError with `context` when
 * they do not parse.
 */
export function decodeOutboxMessages(bytes: Buffer, context: StateCorruptContext): OutboxMessage[] {
  const r = new Reader(bytes, context);
  const version = r.u8();
  if (version !== OUTBOX_FORMAT_VERSION && version !== 1) {
    throw new StateCorruptError(`outbox format version ${version}, this build reads 1 and ${OUTBOX_FORMAT_VERSION}`, context);
  }
  const count = r.u32();
  const messages: OutboxMessage[] = [];
  for (let i = 0; i < count; i++) {
    const key = r.bytes(r.u32()).toString('utf8');
    const value = Buffer.from(r.bytes(r.u32()));
    if (version === 2) {
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
  if (r.at !== bytes.length) throw new StateCorruptError(`outbox has ${bytes.length - r.at} trailing bytes`, context);
  return messages;
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
