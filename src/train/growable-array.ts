/**
 * An append-only typed array that doubles its capacity when full: the columns of the training
 * data grow with the values kept (8 bytes a float64), never with the bytes read.
 */
export class GrowableArray<T extends Float64Array | Int32Array | Uint8Array> {
  private data: T;
  private size = 0;
  private readonly make: (n: number) => T;

  constructor(make: (n: number) => T, capacity = 16) {
    this.make = make;
    this.data = make(capacity);
  }

  /** Number of values pushed. */
  get length(): number {
    return this.size;
  }

  /** Appends one value. */
  push(v: number): void {
    if (this.size === this.data.length) this.grow(this.size + 1);
    this.data[this.size++] = v;
  }

  /** Appends `values`. */
  pushAll(values: ArrayLike<number>): void {
    if (this.size + values.length > this.data.length) this.grow(this.size + values.length);
    for (let i = 0; i < values.length; i++) this.data[this.size + i] = values[i];
    this.size += values.length;
  }

  /**
   * Makes room for `n` more values and counts them as pushed; returns the index of the first.
   * Write them through {@link storage} (read after this call: it may be a new array).
   */
  reserve(n: number): number {
    if (this.size + n > this.data.length) this.grow(this.size + n);
    const start = this.size;
    this.size += n;
    return start;
  }

  /** The whole storage, spare capacity included (valid until the next push or reserve). */
  get storage(): T {
    return this.data;
  }

  /** The value at `i` (no bounds check beyond the typed array's). */
  get(i: number): number {
    return this.data[i];
  }

  /** The values pushed, as a view (valid until the next push). */
  view(): T {
    return this.data.subarray(0, this.size) as T;
  }

  /** Shrinks the storage to the values pushed (call when no more values come). */
  trim(): void {
    if (this.data.length !== this.size) this.data = this.data.slice(0, this.size) as T;
  }

  private grow(min: number): void {
    const next = this.make(Math.max(min, this.data.length * 2));
    next.set(this.data.subarray(0, this.size));
    this.data = next;
  }
}
