import { createHash, type Hash } from 'node:crypto';

/** Bytes gathered before one call into the hash. */
const CHUNK = 1 << 16;

const EMPTY = new Uint8Array(0);

/** Parts up to this many bytes are copied byte by byte (see copyPart). */
const SMALL_PART = 64;

/**
 * SHA-256 of a sequence of byte strings, each preceded by its length as a 32-bit big-endian
 * integer (-1 for null): the identity of a replayed range. The parts are gathered in a reused
 * 64 KiB buffer and hashed a chunk at a time, since one hash update per part costs more than the
 * hashing itself for small messages; the digest is that of the same bytes hashed part by part.
 */
export class LengthPrefixedHash {
  private readonly hash: Hash = createHash('sha256');
  private readonly buffer: Buffer;
  private used = 0;

  /** `scratch`: a buffer of at least 4 bytes to gather parts in; may be shared by hashes that never interleave {@link add} calls between {@link flush}es. */
  constructor(scratch: Buffer = Buffer.allocUnsafe(CHUNK)) {
    this.buffer = scratch;
  }

  /** Adds the length of `part` and its bytes. */
  add(part: Uint8Array | null): void {
    if (part === null) this.addAt(EMPTY, 0, -1);
    else this.addAt(part, 0, part.length);
  }

  /** {@link add} of the bytes [start, start + length) of `bytes` (length -1: null), without a view of them. */
  addAt(bytes: Uint8Array, start: number, length: number): void {
    const n = length < 0 ? 0 : length;
    if (this.used + 4 > this.buffer.length) this.flush();
    const b = this.buffer;
    // The length first (the bytes may go after a flush).
    let at = putPart(b, this.used, EMPTY, 0, length, 0);
    this.used = at;
    if (n === 0) return;
    if (at + n > b.length) {
      this.flush();
      if (n > b.length) {
        this.hash.update(bytes.subarray(start, start + n));
        return;
      }
      at = 0;
    }
    copyPart(bytes, start, n, b, at);
    this.used = at + n;
  }

  /**
   * {@link addAt} of a record's key, then its value (bytes [keyStart, keyStart + keyLength) and
   * [valueStart, valueStart + valueLength) of `bytes`, lengths -1 for null): one check of the
   * room left for both when they fit.
   */
  addPairAt(bytes: Uint8Array, keyStart: number, keyLength: number, valueStart: number, valueLength: number): void {
    const k = keyLength < 0 ? 0 : keyLength;
    const v = valueLength < 0 ? 0 : valueLength;
    const b = this.buffer;
    if (this.used + 8 + k + v > b.length) {
      this.addAt(bytes, keyStart, keyLength);
      this.addAt(bytes, valueStart, valueLength);
      return;
    }
    const at = putPart(b, this.used, bytes, keyStart, keyLength, k);
    this.used = putPart(b, at, bytes, valueStart, valueLength, v);
  }

  /** Hashes what is gathered (call before another hash uses a shared scratch buffer). */
  flush(): void {
    if (this.used > 0) this.hash.update(this.buffer.subarray(0, this.used));
    this.used = 0;
  }

  /** The hex digest of everything added. */
  digest(): string {
    this.flush();
    return this.hash.digest('hex');
  }
}

/**
 * Writes `length` as a 32-bit big-endian integer (-1 for null) at `at` of `b`, byte by byte
 * (cheaper than a call per part), then the `n` bytes of `bytes` from `start` (n is length, or 0
 * for null or to write the length alone; the caller checked they fit); returns the position
 * after them.
 */
function putPart(b: Uint8Array, at: number, bytes: Uint8Array, start: number, length: number, n: number): number {
  b[at] = length >>> 24;
  b[at + 1] = (length >>> 16) & 0xff;
  b[at + 2] = (length >>> 8) & 0xff;
  b[at + 3] = length & 0xff;
  if (n > 0) copyPart(bytes, start, n, b, at + 4);
  return at + 4 + n;
}

/** Copies bytes [start, start + n) of `bytes` to `to` at `at`. */
function copyPart(bytes: Uint8Array, start: number, n: number, to: Uint8Array, at: number): void {
  // Small parts (keys) are copied in a loop; a native copy costs more below ~64 bytes. A plain
  // Uint8Array view is cheaper to make than a Buffer's subarray.
  if (n <= SMALL_PART) for (let i = 0; i < n; i++) to[at + i] = bytes[start + i];
  else to.set(new Uint8Array(bytes.buffer, bytes.byteOffset + start, n), at);
}
