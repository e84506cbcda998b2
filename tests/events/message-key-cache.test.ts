import { describe, expect, it } from 'vitest';
import { messageKeyText } from '../../src/events/message-key.js';
import { MessageKeyCache } from '../../src/events/message-key-cache.js';
import { SeededRandom } from '../../src/model/random.js';

describe('messageKeyText', () => {
  it('decodes a UTF-8 key, passes null through and rejects bytes that are not UTF-8 as invalid_key', () => {
    expect(messageKeyText(Buffer.from('Äpfel'))).toBe('Äpfel');
    expect(messageKeyText(null)).toBeNull();
    expect(messageKeyText(Buffer.from([0x41, 0xff]))).toEqual({ reason: 'invalid_key', detail: 'message key is not valid UTF-8 (2 bytes)' });
    // A lone surrogate encoded as UTF-8 (CESU-style) is not valid UTF-8 either.
    expect(messageKeyText(Buffer.from([0xed, 0xa0, 0x80]))).toMatchObject({ reason: 'invalid_key' });
  });
});

describe('MessageKeyCache', () => {
  it('answers exactly as messageKeyText for keys that collide, repeat, are invalid or too long to cache', () => {
    const rnd = new SeededRandom(3);
    // Two slots: nearly every key collides with another.
    const cache = new MessageKeyCache(2);
    const pool = [
      Buffer.from('AAPL'),
      Buffer.from('AAPM'),
      Buffer.from('株式'),
      Buffer.from([0x41, 0xff]),
      Buffer.from([0x41, 0xfe]),
      Buffer.from(''),
      Buffer.from('K'.repeat(100)),
      Buffer.from([0xc3]),
    ];
    for (let i = 0; i < 5000; i++) {
      const key = rnd.next() < 0.1 ? null : pool[rnd.int(pool.length)];
      // A fresh copy each time, as every fetched message has its own key buffer.
      const bytes = key === null ? null : Buffer.from(key);
      expect(cache.text(bytes)).toEqual(messageKeyText(bytes));
      // In place, inside a larger buffer: the same answer.
      const pad = i % 3;
      const within = Buffer.concat([Buffer.alloc(pad, 0x41), bytes ?? Buffer.alloc(0), Buffer.from([0xff])]);
      const text = cache.textAt(within, pad, bytes === null ? -1 : bytes.length);
      expect(text).toEqual(messageKeyText(bytes));
      // The entry of a key in the table, -1 for one that is not (null, rejected, too long).
      if (typeof text === 'string' && bytes!.length <= 64) expect([0, 1]).toContain(cache.slot);
      else expect(cache.slot).toBe(-1);
    }
  });

  it('returns the same string instance for a key seen before and keeps its own copy of the bytes', () => {
    const cache = new MessageKeyCache();
    const bytes = Buffer.from('MSFT');
    const first = cache.text(bytes);
    bytes.write('XXXX');
    expect(cache.text(Buffer.from('MSFT'))).toBe(first);
    expect(cache.text(bytes)).toBe('XXXX');
  });

  it('keeps 1,000 symbols of the same length apart in the default table: each is decoded once, however they interleave', () => {
    const cache = new MessageKeyCache();
    const symbols = Array.from({ length: 1000 }, (_, i) => `SYM${String(i).padStart(3, '0')}`);
    for (const s of symbols) expect(cache.text(Buffer.from(s))).toBe(s);
    expect(cache.decodes).toBe(1000);
    const rnd = new SeededRandom(8);
    for (let i = 0; i < 20_000; i++) {
      const k = rnd.int(symbols.length);
      expect(cache.text(Buffer.from(symbols[k]))).toBe(symbols[k]);
    }
    expect(cache.decodes).toBe(1000);
  });

  it('refuses a table size that is not a power of two', () => {
    expect(() => new MessageKeyCache(1000)).toThrow(/power of two, got 1000/);
  });
});
