/**
 * The rows of every key's events in one store: appended in arrival order into fixed-size chunks
 * (each row tagged with its key's index), then grouped by key into one Float64Array, each key's
 * rows contiguous and in arrival order (a counting sort: count per key, starts by prefix sum,
 * one stable scatter). Appending allocates nothing but a new chunk every {@link CHUNK_ROWS} rows:
 * no array per key that grows by doubling and is copied again when trimmed. While grouping,
 * the chunks already copied are released, so the peak is about twice the rows kept.
 */

/** Rows per chunk. */
export const CHUNK_ROWS = 16_384;

/** The rows grouped by key: key k's rows are rows [start[k], start[k + 1]) of `data`. */
export interface GroupedRows {
  readonly data: Float64Array;
  /** Length keys + 1. */
  readonly start: Int32Array;
}

/** Arrival-order store of rows of `stride` numbers; see the file comment. */
export class EventRows {
  readonly stride: number;
  /** The chunk being filled: write the row returned by {@link append} here. */
  chunk: Float64Array;
  private chunkKeys: Int32Array;
  private used = 0;
  private readonly full: { readonly rows: Float64Array; readonly keys: Int32Array }[] = [];
  private count = 0;

  constructor(stride: number) {
    this.stride = stride;
    this.chunk = new Float64Array(CHUNK_ROWS * stride);
    this.chunkKeys = new Int32Array(CHUNK_ROWS);
  }

  /** Number of rows appended. */
  get length(): number {
    return this.count;
  }

  /**
   * Appends a row of key index `key`; returns the index in {@link chunk} (read after this call:
   * it may be a new chunk) where the caller writes its `stride` numbers.
   */
  append(key: number): number {
    if (this.used === CHUNK_ROWS) {
      this.full.push({ rows: this.chunk, keys: this.chunkKeys });
      this.chunk = new Float64Array(CHUNK_ROWS * this.stride);
      this.chunkKeys = new Int32Array(CHUNK_ROWS);
      this.used = 0;
    }
    this.chunkKeys[this.used] = key;
    this.count++;
    return this.used++ * this.stride;
  }

  /**
   * The rows grouped by key (`keys`: the number of key indices used). The store is empty
   * afterwards (its chunks are released).
   */
  groupByKey(keys: number): GroupedRows {
    const s = this.stride;
    const chunks = [...this.full, { rows: this.chunk, keys: this.chunkKeys.subarray(0, this.used) }];
    this.full.length = 0;
    this.chunk = new Float64Array(0);
    this.chunkKeys = new Int32Array(0);
    this.used = 0;
    const start = new Int32Array(keys + 1);
    for (const c of chunks) for (let i = 0; i < c.keys.length; i++) start[c.keys[i] + 1]++;
    for (let k = 0; k < keys; k++) start[k + 1] += start[k];
    const fill = start.slice(0, keys);
    const data = new Float64Array(this.count * s);
    for (let j = 0; j < chunks.length; j++) {
      const { rows, keys: of } = chunks[j];
      if (s === 6) {
        // A tick's row, unrolled.
        for (let i = 0, from = 0; i < of.length; i++, from += 6) {
          const to = fill[of[i]]++ * 6;
          data[to] = rows[from];
          data[to + 1] = rows[from + 1];
          data[to + 2] = rows[from + 2];
          data[to + 3] = rows[from + 3];
          data[to + 4] = rows[from + 4];
          data[to + 5] = rows[from + 5];
        }
      } else {
        for (let i = 0; i < of.length; i++) {
          const to = fill[of[i]]++ * s;
          const from = i * s;
          for (let f = 0; f < s; f++) data[to + f] = rows[from + f];
        }
      }
      // Copied: let the chunk go before the next one is read.
      chunks[j] = { rows: new Float64Array(0), keys: new Int32Array(0) };
    }
    this.count = 0;
    return { data, start };
  }
}
