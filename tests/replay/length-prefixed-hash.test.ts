import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/model/random.js';
import { LengthPrefixedHash } from '../../src/replay/length-prefixed-hash.js';

/** The definition, part by part: a 4-byte big-endian length (-1 for null), then the bytes. */
function reference(parts: readonly (Uint8Array | null)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) {
    const length = Buffer.alloc(4);
    length.writeInt32BE(part === null ? -1 : part.length);
    hash.update(length);
    if (part !== null) hash.update(part);
  }
  return hash.digest('hex');
}

describe('LengthPrefixedHash', () => {
  it('gives the digest of the parts hashed one by one, whatever their sizes (null, empty, larger than the buffer)', () => {
    const rng = new SeededRandom(5);
    const sizes = [0, 1, 3, 4, 5, 63, 64, 65, 200, 1000, 5000];
    const parts: (Uint8Array | null)[] = [];
    for (let i = 0; i < 400; i++) {
      if (rng.int(10) === 0) {
        parts.push(null);
        continue;
      }
      const part = new Uint8Array(sizes[rng.int(sizes.length)]);
      for (let j = 0; j < part.length; j++) part[j] = rng.int(256);
      parts.push(part);
    }
    for (const scratch of [4, 7, 64, 1 << 16]) {
      const h = new LengthPrefixedHash(Buffer.alloc(scratch));
      parts.forEach((p, i) => {
        h.add(p);
        if (i % 37 === 0) h.flush();
      });
      expect(h.digest()).toBe(reference(parts));
    }
    // The same parts as ranges of one buffer (the records of a fetched batch), added in place.
    const packed = Buffer.concat(parts.map((p) => Buffer.concat([Buffer.from([0xee]), p ?? Buffer.alloc(0)])));
    for (const scratch of [4, 64, 1 << 16]) {
      const h = new LengthPrefixedHash(Buffer.alloc(scratch));
      let at = 0;
      parts.forEach((p, i) => {
        h.addAt(packed, at + 1, p === null ? -1 : p.length);
        at += 1 + (p?.length ?? 0);
        if (i % 37 === 0) h.flush();
      });
      expect(h.digest()).toBe(reference(parts));
    }
    // Pairs of parts (a record's key and value) in one call, from a view that starts inside a larger buffer.
    const within = Buffer.concat([Buffer.alloc(13, 0xaa), packed]).subarray(13);
    expect(within.byteOffset).toBeGreaterThan(0);
    for (const scratch of [4, 9, 64, 1 << 16]) {
      const h = new LengthPrefixedHash(Buffer.alloc(scratch));
      let at = 0;
      for (let i = 0; i + 1 < parts.length; i += 2) {
        const [k, v] = [parts[i], parts[i + 1]];
        const kAt = at + 1;
        const vAt = kAt + (k?.length ?? 0) + 1;
        h.addPairAt(within, kAt, k === null ? -1 : k.length, vAt, v === null ? -1 : v.length);
        at = vAt + (v?.length ?? 0);
        if (i % 38 === 0) h.flush();
      }
      expect(h.digest()).toBe(reference(parts.slice(0, parts.length - (parts.length % 2))));
    }
  });

  it('keeps two hashes apart when they share a scratch buffer and flush between turns', () => {
    const scratch = Buffer.alloc(256);
    const a = new LengthPrefixedHash(scratch);
    const b = new LengthPrefixedHash(scratch);
    const pa = [Buffer.from('key-a'), Buffer.from('{"v":1}')];
    const pb = [null, Buffer.from('{"v":2}')];
    a.add(pa[0]);
    a.add(pa[1]);
    a.flush();
    b.add(pb[0]);
    b.add(pb[1]);
    b.flush();
    expect([a.digest(), b.digest()]).toEqual([reference(pa), reference(pb)]);
  });
});
