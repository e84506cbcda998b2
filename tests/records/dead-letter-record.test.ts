import { describe, expect, it } from 'vitest';
import { deadLetterRecord, MAX_DEAD_LETTER_HEADER_BYTES, MAX_DEAD_LETTER_KEY_BYTES } from '../../src/records/dead-letter-record.js';
import { HEADERS } from '../../src/records/record-headers.js';
import type { StreamMessage } from '../../src/records/stream-message.js';

const message = (over: Partial<StreamMessage>): StreamMessage => ({ key: Buffer.from('k'), value: Buffer.from('{'), headers: {}, offset: '9', timestamp: '1', ...over });
const rejection = { reason: 'malformed_json', detail: 'x' } as const;

/** Bytes of a record as the broker counts them, near enough: key, value, header names and values. */
function wireBytes(r: ReturnType<typeof deadLetterRecord>): number {
  let n = (r.key?.length ?? 0) + (r.value?.length ?? 0);
  for (const [name, v] of Object.entries(r.headers ?? {})) for (const part of [v].flat()) n += name.length + String(part).length;
  return n;
}

describe('deadLetterRecord: bounded whatever arrived', () => {
  it('keeps a key up to the limit byte for byte, and cuts a longer one with its size in a header', () => {
    const fits = deadLetterRecord('t', 0, message({ key: Buffer.alloc(MAX_DEAD_LETTER_KEY_BYTES, 0x61) }), rejection);
    expect(fits.key).toEqual(Buffer.alloc(MAX_DEAD_LETTER_KEY_BYTES, 0x61));
    expect(fits.headers?.[HEADERS.originalKeySize]).toBeUndefined();
    const huge = Buffer.alloc(1_000_000, 0x62);
    const cut = deadLetterRecord('t', 0, message({ key: huge }), { reason: 'oversized', detail: 'key too long' });
    expect(cut.key).toEqual(huge.subarray(0, MAX_DEAD_LETTER_KEY_BYTES));
    expect(cut.headers?.[HEADERS.originalKeySize]).toBe('1000000');
  });

  it('carries the input headers while they fit, and only their count once they do not', () => {
    const few = { a: Buffer.from('1'), b: [Buffer.from('2'), Buffer.from('3')] };
    expect(deadLetterRecord('t', 0, message({ headers: few }), rejection).headers).toMatchObject(few);
    const many: Record<string, Buffer> = {};
    for (let i = 0; i < 10_000; i++) many[`header-${i}`] = Buffer.from('value');
    const letter = deadLetterRecord('t', 0, message({ headers: many }), rejection);
    expect(letter.headers?.['header-0']).toBeUndefined();
    expect(letter.headers?.[HEADERS.droppedHeaders]).toBe('10000');
    expect(letter.headers?.[HEADERS.reason]).toBe('malformed_json');
    expect(letter.headers?.[HEADERS.sourceOffset]).toBe('9');
  });

  it('stays far under a 1 MiB broker limit for a message that had filled it', () => {
    const headers: Record<string, Buffer> = {};
    for (let i = 0; i < 20_000; i++) headers[`h${i}`] = Buffer.alloc(40);
    const letter = deadLetterRecord('t', 0, message({ key: Buffer.alloc(300_000), value: Buffer.alloc(700_000), headers }), { reason: 'oversized', detail: 'big' });
    expect(wireBytes(letter)).toBeLessThan(MAX_DEAD_LETTER_KEY_BYTES + 65_536 + 2_000);
    expect(MAX_DEAD_LETTER_HEADER_BYTES).toBeLessThanOrEqual(65_536);
  });
});
