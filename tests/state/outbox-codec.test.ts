import { describe, expect, it } from 'vitest';
import { StateCorruptError } from '../../src/errors/state-corrupt-error.js';
import {
  decodeOutbox,
  decodeOutboxMessages,
  encodeOutboxMessages,
  OUTBOX_FORMAT_VERSION,
  OUTBOX_WITH_DEAD_LETTERS_VERSION,
} from '../../src/state/outbox-codec.js';

const CONTEXT = { key: 'outbox', topic: 'ticks', partition: 1 };

/** A version-1 outbox built by hand from the layout in outbox-codec.ts (an older build's bytes). */
function versionOne(messages: { key: string; value: string; headers: [string, string][] }[]): Buffer {
  const parts: Buffer[] = [Buffer.from([1]), u32(messages.length)];
  for (const m of messages) {
    parts.push(u32(Buffer.byteLength(m.key)), Buffer.from(m.key), u32(Buffer.byteLength(m.value)), Buffer.from(m.value));
    const count = Buffer.alloc(2);
    count.writeUInt16LE(m.headers.length);
    parts.push(count);
    for (const [name, value] of m.headers) {
      const n = Buffer.alloc(2);
      n.writeUInt16LE(Buffer.byteLength(name));
      parts.push(n, Buffer.from(name), u32(Buffer.byteLength(value)), Buffer.from(value));
    }
  }
  return Buffer.concat(parts);
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

describe('outbox codec', () => {
  it('stores keys and values only: 9 bytes per message beyond them, nothing for headers', () => {
    const messages = [
      { key: 'AAPL', value: Buffer.from('{"key":"AAPL","step":1}'), headers: { 'rnn-stream-source': 'ticks:1:7' } },
      { key: 'ünï', value: Buffer.from([0, 255, 1]) },
      { key: '', value: Buffer.alloc(0) },
    ];
    const bytes = encodeOutboxMessages(messages);
    expect(bytes[0]).toBe(OUTBOX_FORMAT_VERSION);
    const payload = messages.reduce((n, m) => n + Buffer.byteLength(m.key) + m.value.length, 0);
    expect(bytes.length).toBe(5 + 8 * messages.length + payload);
    expect(decodeOutboxMessages(bytes, CONTEXT)).toEqual(messages.map(({ key, value }) => ({ key, value })));
  });

  it('reads an outbox written by an older build (version 1) with its stored headers', () => {
    const old = versionOne([
      { key: 'A', value: '{"x":1}', headers: [['rnn-stream-source-offset', '7'], ['é', 'ü']] },
      { key: 'B', value: '{}', headers: [] },
    ]);
    expect(decodeOutboxMessages(old, CONTEXT)).toEqual([
      { key: 'A', value: Buffer.from('{"x":1}'), headers: { 'rnn-stream-source-offset': '7', 'é': 'ü' } },
      { key: 'B', value: Buffer.from('{}'), headers: {} },
    ]);
  });

  it('refuses an unknown version, truncated bytes and trailing bytes with StateCorruptError', () => {
    const good = encodeOutboxMessages([{ key: 'k', value: Buffer.from('v') }]);
    const bad = [Buffer.concat([Buffer.from([4]), good.subarray(1)]), good.subarray(0, good.length - 1), Buffer.concat([good, Buffer.from([0])])];
    for (const bytes of bad) expect(() => decodeOutboxMessages(bytes, CONTEXT)).toThrow(StateCorruptError);
    expect(() => decodeOutboxMessages(bad[0], CONTEXT)).toThrow(/version 4/);
  });

  it('keeps dead letters whole (version 3): null key or value, binary bytes, repeated headers in order', () => {
    const messages = [{ key: 'AAPL', value: Buffer.from('{"step":1}') }];
    const deadLetters = [
      { key: null, value: Buffer.from([0xff, 0x00, 0x7b]), headers: { 'rnn-stream-reason': 'malformed_json', x: [Buffer.from([1]), 'two'] } },
      { key: 'MSFT', value: null, headers: {} },
      { key: Buffer.from('k'), value: Buffer.alloc(0) },
    ];
    const bytes = encodeOutboxMessages(messages, deadLetters);
    expect(bytes[0]).toBe(OUTBOX_WITH_DEAD_LETTERS_VERSION);
    const decoded = decodeOutbox(bytes, CONTEXT);
    expect(decoded.messages).toEqual(messages);
    expect(decoded.deadLetters).toEqual([
      { key: null, value: Buffer.from([0xff, 0x00, 0x7b]), headers: { 'rnn-stream-reason': Buffer.from('malformed_json'), x: [Buffer.from([1]), Buffer.from('two')] } },
      { key: Buffer.from('MSFT'), value: null, headers: {} },
      { key: Buffer.from('k'), value: Buffer.alloc(0), headers: {} },
    ]);
    // Written without dead letters, the outbox stays version 2 (at_least_once is unchanged).
    expect(encodeOutboxMessages(messages, [])[0]).toBe(OUTBOX_FORMAT_VERSION);
    expect(() => decodeOutbox(bytes.subarray(0, bytes.length - 2), CONTEXT)).toThrow(StateCorruptError);
  });
});
