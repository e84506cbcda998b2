import { messageKeyText } from './message-key.js';
import type { Rejection } from './reject-reason.js';

/** Keys longer than this (bytes) are decoded every time rather than cached. */
const MAX_CACHED_KEY_BYTES = 64;

/** Entries a key may take, from its hash's slot on. */
const PROBES = 8;

/**
 * {@link messageKeyText} with a memory of recent keys: a stream carries the same few thousand
 * keys over and over, and a key seen before comes back as the same string instance without
 * checking or decoding its bytes again (and a Map lookup by that instance does not hash it
 * again). A table of `slots` entries (a power of two) of valid keys only, by an FNV-1a hash of
 * the bytes: a key goes into the first free one of the {@link PROBES} entries from its hash's
 * slot on (when all are taken, one of them in turn is replaced), and is compared byte for byte
 * on a hit: the result is always exactly messageKeyText's. (With one entry per hash, a quarter
 * of 1,000 symbols shared an entry with another in 4,096 and missed whenever their events
 * interleaved.) The keys' bytes live in one table of slots x 64 bytes (a lookup reads one
 * place of it rather than a Buffer object and its bytes elsewhere), their texts beside it.
 */
export class MessageKeyCache {
  /** Entry e's key is bytes [e * 64, e * 64 + lengths[e]); a length of -1 marks a free entry. */
  private readonly keyBytes: Uint8Array;
  private readonly lengths: Int32Array;
  private readonly texts: string[];
  private readonly mask: number;
  /** Entries in the table. */
  readonly slots: number;
  /** Which of a full run of entries the next new key replaces. */
  private evict = 0;
  /**
   * The table entry holding the key of the last lookup (its text is the one returned); -1 when
   * that key is not in the table (null, too long, rejected). An entry may later hold another
   * key: a caller keeping something per entry checks that the entry's text is still its key.
   */
  slot = -1;
  private decoded = 0;

  constructor(slots = 4096) {
    if (!Number.isInteger(Math.log2(slots))) throw new RangeError(`MessageKeyCache: slots must be a power of two, got ${slots}`);
    this.keyBytes = new Uint8Array(slots * MAX_CACHED_KEY_BYTES);
    this.lengths = new Int32Array(slots).fill(-1);
    this.texts = new Array<string>(slots).fill('');
    this.mask = slots - 1;
    this.slots = slots;
  }

  /** Keys checked and decoded by messageKeyText so far (the lookups that were not answered from the table). */
  get decodes(): number {
    return this.decoded;
  }

  /** The key's text, null or its rejection, as messageKeyText gives them. */
  text(key: Buffer | null): string | null | Rejection {
    return key === null ? null : this.textAt(key, 0, key.length);
  }

  /**
   * {@link text} of the key in bytes [start, start + length) of `bytes` (length -1: a null key),
   * read in place: a view of the bytes is made only for a key not in the table.
   */
  textAt(bytes: Buffer, start: number, length: number): string | null | Rejection {
    this.slot = -1;
    if (length < 0) return null;
    const n = length;
    if (n > MAX_CACHED_KEY_BYTES) {
      this.decoded++;
      return messageKeyText(bytes.subarray(start, start + n));
    }
    let h = 0x811c9dc5;
    for (let i = 0; i < n; i++) h = Math.imul(h ^ bytes[start + i], 0x01000193);
    const mask = this.mask;
    // Entries are never emptied, so a key is never past the first free entry of its run.
    let free = -1;
    for (let p = 0; p < PROBES; p++) {
      const slot = (h + p) & mask;
      const cached = this.lengths[slot];
      if (cached < 0) {
        free = slot;
        break;
      }
      if (cached === n && sameBytes(this.keyBytes, slot * MAX_CACHED_KEY_BYTES, bytes, start, n)) {
        this.slot = slot;
        return this.texts[slot];
      }
    }
    this.decoded++;
    const key = bytes.subarray(start, start + n);
    const text = messageKeyText(key);
    if (typeof text === 'string') {
      const slot = free >= 0 ? free : (h + (this.evict++ % PROBES)) & mask;
      // A copy: the message's key is a view of a whole fetch response, which must not be kept alive.
      this.keyBytes.set(key, slot * MAX_CACHED_KEY_BYTES);
      this.lengths[slot] = n;
      this.texts[slot] = text;
      this.slot = slot;
    }
    return text;
  }
}

function sameBytes(table: Uint8Array, at: number, b: Buffer, start: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (table[at + i] !== b[start + i]) return false;
  return true;
}
