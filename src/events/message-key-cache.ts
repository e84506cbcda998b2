import { messageKeyText } from './message-key.js';
import type { Rejection } from './reject-reason.js';

/** Keys longer than this (bytes) are decoded every time rather than cached. */
const MAX_CACHED_KEY_BYTES = 64;

/**
 * {@link messageKeyText} with a memory of recent keys: a stream carries the same few thousand
 * keys over and over, and a key seen before comes back as the same string instance without
 * checking or decoding its bytes again (and a Map lookup by that instance does not hash it
 * again). A direct-mapped table of `slots` entries (a power of two) of valid keys only, by an
 * FNV-1a hash of the bytes, compared byte for byte on a hit: the result is always exactly
 * messageKeyText's. Memory is bounded by slots x 64 bytes of keys.
 */
export class MessageKeyCache {
  private readonly bytes: (Buffer | undefined)[];
  private readonly texts: string[];
  private readonly mask: number;

  constructor(slots = 4096) {
    if (!Number.isInteger(Math.log2(slots))) throw new RangeError(`MessageKeyCache: slots must be a power of two, got ${slots}`);
    this.bytes = new Array<Buffer | undefined>(slots).fill(undefined);
    this.texts = new Array<string>(slots).fill('');
    this.mask = slots - 1;
  }

  /** The key's text, null or its rejection, as messageKeyText gives them. */
  text(key: Buffer | null): string | null | Rejection {
    if (key === null) return null;
    const n = key.length;
    if (n > MAX_CACHED_KEY_BYTES) return messageKeyText(key);
    let h = 0x811c9dc5;
    for (let i = 0; i < n; i++) h = Math.imul(h ^ key[i], 0x01000193);
    const slot = h & this.mask;
    const cached = this.bytes[slot];
    if (cached !== undefined && cached.length === n && sameBytes(cached, key, n)) return this.texts[slot];
    const text = messageKeyText(key);
    if (typeof text === 'string') {
      // A copy: the message's key is a view of a whole fetch response, which must not be kept alive.
      this.bytes[slot] = Buffer.from(key);
      this.texts[slot] = text;
    }
    return text;
  }
}

function sameBytes(a: Buffer, b: Buffer, n: number): boolean {
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}
