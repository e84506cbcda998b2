/**
 * A key's last W input events as decoded (raw fields, before any feature transform), kept in its
 * state so that another model can be warmed up on them at a swap (runtime/warm-start.ts). A ring
 * buffer over one Float64Array of `capacity * stride` numbers; each entry is
 *
 *   ts, flags (bit 0: end of sequence, bit 1: unknown token), then the kind's fields:
 *   tick: price, volume; token: vocabulary id; vector: each feature
 *
 * Numbers are float64, the decoded values exactly, so a replay sees the very events it saw live.
 */
import type { EventKind, ModelEvent } from '../events/model-event.js';

const FLAG_END = 1;
const FLAG_UNKNOWN = 2;

/** Numbers stored per event for a model reading `kind` events of `width` features (vector only). */
export function recentInputStride(kind: EventKind, width: number): number {
  if (kind === 'tick') return 4;
  if (kind === 'token') return 3;
  return 2 + width;
}

/** See the file comment. Pushing allocates nothing; reading an event back allocates it. */
export class RecentInputs {
  /** Most events kept; older ones are overwritten. */
  readonly capacity: number;
  /** Numbers per event (see {@link recentInputStride}). */
  readonly stride: number;
  /** The ring: entry i (0 = oldest) lives at ((start + i) % capacity) * stride. */
  readonly data: Float64Array;
  /** {@link data}'s bytes (the same memory), for the codec's block copies. */
  private readonly bytes: Buffer;
  /** The same bytes as a plain Uint8Array: its subarrays and TypedArray.set copy without Buffer's per-call overhead. */
  private readonly raw: Uint8Array;
  private start = 0;
  private size = 0;

  constructor(capacity: number, stride: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`recent inputs capacity ${capacity} is not an integer >= 1`);
    if (!Number.isInteger(stride) || stride < 2) throw new RangeError(`recent inputs stride ${stride} is not an integer >= 2`);
    this.capacity = capacity;
    this.stride = stride;
    this.data = new Float64Array(capacity * stride);
    this.bytes = Buffer.from(this.data.buffer, this.data.byteOffset, this.data.byteLength);
    this.raw = new Uint8Array(this.data.buffer, this.data.byteOffset, this.data.byteLength);
  }

  /** Events held (at most {@link capacity}). */
  get count(): number {
    return this.size;
  }

  /** Appends `event`, dropping the oldest when full. `event` must be of the kind the stride was made for. */
  push(event: ModelEvent): void {
    const slot = this.size < this.capacity ? (this.start + this.size++) % this.capacity : this.advanceStart();
    const d = this.data;
    let p = slot * this.stride;
    d[p++] = event.ts;
    if (event.kind === 'tick') {
      d[p++] = event.end ? FLAG_END : 0;
      d[p++] = event.price;
      d[p] = event.volume;
    } else if (event.kind === 'token') {
      d[p++] = (event.end ? FLAG_END : 0) | (event.unknown ? FLAG_UNKNOWN : 0);
      d[p] = event.id;
    } else {
      d[p++] = event.end ? FLAG_END : 0;
      const f = event.features;
      const n = Math.min(f.length, this.stride - 2);
      for (let i = 0; i < n; i++) d[p + i] = f[i];
    }
  }

  /** Appends the raw numbers of one entry (as the codec reads them); `values` has `stride` numbers. */
  pushRaw(values: ArrayLike<number>): void {
    const slot = this.size < this.capacity ? (this.start + this.size++) % this.capacity : this.advanceStart();
    for (let i = 0; i < this.stride; i++) this.data[slot * this.stride + i] = values[i];
  }

  /**
   * Copies the held entries, oldest first, as float64 in the platform's byte order into `out` at
   * `at` (at most two block copies: the ring wraps once); returns the position after them.
   */
  copyBytesTo(out: Buffer, at: number): number {
    const first = this.start * this.stride * 8;
    const total = this.size * this.stride * 8;
    const run = Math.min(total, this.raw.length - first);
    out.set(this.raw.subarray(first, first + run), at);
    if (run < total) out.set(this.raw.subarray(0, total - run), at + run);
    return at + total;
  }

  /**
   * Replaces the entries with `count` entries read from `source` at `at` (float64 in the
   * platform's byte order, oldest first; `count` at most the capacity), as {@link copyBytesTo}
   * wrote them.
   */
  loadBytes(source: Buffer, at: number, count: number): void {
    if (count > this.capacity) throw new RangeError(`${count} recent inputs exceed the capacity ${this.capacity}`);
    source.copy(this.bytes, 0, at, at + count * this.stride * 8);
    this.start = 0;
    this.size = count;
  }

  /** Offset in {@link data} of entry `i` (0 = oldest). */
  offsetOf(i: number): number {
    return ((this.start + i) % this.capacity) * this.stride;
  }

  /** Entry `i` (0 = oldest) as an event of `key` and `kind`. Allocates (used by warm starts only). */
  event(i: number, key: string, kind: EventKind): ModelEvent {
    if (i < 0 || i >= this.size) throw new RangeError(`recent input ${i} of ${this.size}`);
    const d = this.data;
    const p = this.offsetOf(i);
    const ts = d[p];
    const flags = d[p + 1];
    const end = (flags & FLAG_END) !== 0;
    if (kind === 'tick') return { kind, key, ts, end, price: d[p + 2], volume: d[p + 3] };
    if (kind === 'token') return { kind, key, ts, end, id: d[p + 2], unknown: (flags & FLAG_UNKNOWN) !== 0 };
    return { kind, key, ts, end, features: Array.from(d.subarray(p + 2, p + this.stride)) };
  }

  /** A copy holding the newest min(count, capacity) entries, with another capacity. */
  resized(capacity: number): RecentInputs {
    const next = new RecentInputs(capacity, this.stride);
    for (let i = Math.max(0, this.size - capacity); i < this.size; i++) next.pushRaw(this.data.subarray(this.offsetOf(i), this.offsetOf(i) + this.stride));
    return next;
  }

  private advanceStart(): number {
    const slot = this.start;
    this.start = (this.start + 1) % this.capacity;
    return slot;
  }
}
