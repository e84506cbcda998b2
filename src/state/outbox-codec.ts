/**
 * Binary encoding of an outbox's messages (the predictions of a partition's last batch), stored
 * as one Redis value. Little-endian, deterministic (headers in the order given):
 *
 *   u8   format version (OUTBOX_FORMAT_VERSION)
 *   u32  message count, then per message:
 *        u32 key length + UTF-8 key, u32 value length + value bytes,
 *        u16 header count, then per header: u16 name length + UTF-8, u32 value length + UTF-8
 */
import { StateCorruptError, type StateCorruptContext } from '../errors/state-corrupt-error.js';
import type { OutboxMessage } from './state-store.js';

/** Version byte written first; decode refuses any other. */
export const OUTBOX_FORMAT_VERSION = 1;

/** Encodes `messages` into one Buffer. */
export function encodeOutboxMessages(messages: readonly OutboxMessage[]): Buffer {
  let size = 5;
  for (const m of messages) {
    size += 4 + Buffer.byteLength(m.key, 'utf8') + 4 + m.value.length + 2;
    for (const name in m.headers) size += 2 + Buffer.byteLength(name, 'utf8') + 4 + Buffer.byteLength(m.headers[name], 'utf8');
  }
  const out = Buffer.allocUnsafe(size);
  let p = out.writeUInt8(OUTBOX_FORMAT_VERSION, 0);
  p = out.writeUInt32LE(messages.length, p);
  for (const m of messages) {
    p = writeString(out, m.key, p, 4);
    p = out.writeUInt32LE(m.value.length, p);
    p += m.value.copy(out, p);
    const names = Object.keys(m.headers);
    if (names.length > 0xffff) throw new RangeError(`outbox message for key ${m.key} has ${names.length} headers, at most 65535`);
    p = out.writeUInt16LE(names.length, p);
    for (const name of names) {
      p = writeString(out, name, p, 2);
      p = writeString(out, m.headers[name], p, 4);
    }
  }
  return out;
}

/** Decodes bytes written by {@link encodeOutboxMessages}; StateCorruptError with `context` when they do not parse. */
export function decodeOutboxMessages(bytes: Buffer, context: StateCorruptContext): OutboxMessage[] {
  const r = new Reader(bytes, context);
  const version = r.u8();
  if (version !== OUTBOX_FORMAT_VERSION) {
    throw new StateCorruptError(`outbox format version ${version}, this build reads ${OUTBOX_FORMAT_VERSION}`, context);
  }
  const count = r.u32();
  const messages: OutboxMessage[] = [];
  for (let i = 0; i < count; i++) {
    const key = r.bytes(r.u32()).toString('utf8');
    const value = Buffer.from(r.bytes(r.u32()));
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

function writeString(out: Buffer, s: string, at: number, lengthBytes: 2 | 4): number {
  const n = Buffer.byteLength(s, 'utf8');
  if (lengthBytes === 2 && n > 0xffff) throw new RangeError(`outbox header name of ${n} bytes, at most 65535`);
  const p = lengthBytes === 2 ? out.writeUInt16LE(n, at) : out.writeUInt32LE(n, at);
  return p + out.write(s, p, 'utf8');
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
