/**
 * The records of one fetched batch of a kafkajs consumer created with `rawRecordBatches: true`
 * (patches/kafkajs+2.2.4.patch: protocol/recordBatch/v0/rawDecoder.js, consumer/rawBatch.js),
 * read straight from the bytes of their record batches: no message object, no key or value view,
 * no offset or timestamp string per record. kafkajs keeps what its message batches keep (records
 * from the fetched offset on, aborted transactions and control records left out) as runs of
 * records of raw record batches; {@link FetchedRecords} walks them, clipped to an offset window.
 */

/** Int32s per record in a raw record batch's layout: offset delta, key start, key length, value start, value length. */
export const LAYOUT_STRIDE = 5;

/** A record batch as the patched kafkajs reads it for a consumer with `rawRecordBatches` (see rawDecoder.js). */
export interface RawRecordBatch {
  readonly firstOffset: string;
  /** firstOffset as a number (kafkajs refuses raw batches at or beyond 2^53). */
  readonly baseOffset: number;
  readonly count: number;
  /** The records' bytes: keys and values are ranges of it. */
  readonly bytes: Buffer;
  readonly layout: Int32Array;
  /** Per record; NaN where the int64 is beyond 2^53 (its decimal is in exactTimestamps). */
  readonly timestamps: Float64Array;
  readonly exactTimestamps: ReadonlyMap<number, string> | null;
  /** Set for the stand-in record of a batch that could not be read (codec missing or refusing, corrupt records). */
  readonly decodeFailure: { readonly firstOffset: string; readonly error: Error } | null;
}

/** Records [from, to) of a raw record batch. */
export interface RecordRun {
  readonly batch: RawRecordBatch;
  readonly from: number;
  readonly to: number;
}

/** The kafkajs batch of a consumer with `rawRecordBatches`: its kept records as runs. */
export interface RawBatch {
  readonly recordRuns: readonly RecordRun[];
  readonly recordCount: number;
}

/** Whether a kafkajs batch is one of a consumer with `rawRecordBatches`. */
export function isRawBatch(batch: object): batch is RawBatch {
  return Array.isArray((batch as Partial<RawBatch>).recordRuns);
}

const NO_BYTES = Buffer.alloc(0);

/**
 * A cursor over the records of a raw batch whose offsets lie in [from, to): {@link reset} it on a
 * batch, then {@link next} until false; the fields describe the current record (nothing is
 * allocated per record; an instance may be reset for batch after batch).
 */
export class FetchedRecords {
  /** Bytes holding the current record's key and value. */
  bytes: Buffer = NO_BYTES;
  offset = 0;
  /** Record timestamp (epoch ms); NaN when beyond 2^53 (see {@link timestampText}). */
  timestamp = 0;
  keyStart = 0;
  /** -1 for a null key. */
  keyLength = -1;
  valueStart = 0;
  /** -1 for a null value. */
  valueLength = -1;
  /** Records in the window (set by reset). */
  count = 0;
  /** Offset of the window's last record (set by reset; -1 when none). */
  lastOffset = -1;
  /** Whether the batch holds a record at or beyond the window's end (set by reset). */
  reachesEnd = false;

  private runs: readonly RecordRun[] = [];
  private run = 0;
  private index = 0;
  private runEnd = 0;
  private batch: RawRecordBatch | undefined;
  private readonly firstIndex: number[] = [];
  private readonly endIndex: number[] = [];

  /** Points the cursor before the first record of `batch` at or above `from` and below `to`. */
  reset(batch: RawBatch, from: number, to: number): this {
    const runs = batch.recordRuns;
    this.runs = runs;
    this.firstIndex.length = runs.length;
    this.endIndex.length = runs.length;
    let count = 0;
    let last = -1;
    let beyond = false;
    for (let r = 0; r < runs.length; r++) {
      const { batch: b, from: lo, to: hi } = runs[r];
      const a = firstAtOrAbove(b, lo, hi, from);
      const z = firstAtOrAbove(b, a, hi, to);
      this.firstIndex[r] = a;
      this.endIndex[r] = z;
      if (z > a) {
        count += z - a;
        last = b.baseOffset + b.layout[(z - 1) * LAYOUT_STRIDE];
      }
      if (z < hi) beyond = true;
    }
    this.count = count;
    this.lastOffset = last;
    this.reachesEnd = beyond;
    this.run = -1;
    this.index = 0;
    this.runEnd = 0;
    this.batch = undefined;
    return this;
  }

  /** Moves to the next record; false when there is none. */
  next(): boolean {
    while (this.index >= this.runEnd) {
      if (++this.run >= this.runs.length) return false;
      this.batch = this.runs[this.run].batch;
      this.bytes = this.batch.bytes;
      this.index = this.firstIndex[this.run];
      this.runEnd = this.endIndex[this.run];
    }
    const b = this.batch!;
    const i = this.index++;
    const j = i * LAYOUT_STRIDE;
    const layout = b.layout;
    this.offset = b.baseOffset + layout[j];
    this.timestamp = b.timestamps[i];
    this.keyStart = layout[j + 1];
    this.keyLength = layout[j + 2];
    this.valueStart = layout[j + 3];
    this.valueLength = layout[j + 4];
    return true;
  }

  /** The current record's timestamp as an exact decimal (kafkajs' message.timestamp). */
  timestampText(): string {
    const b = this.batch!;
    return b.exactTimestamps?.get(this.index - 1) ?? String(b.timestamps[this.index - 1]);
  }

  /** The current record's key as a view of its bytes (allocates), null for none. */
  key(): Buffer | null {
    return this.keyLength < 0 ? null : this.bytes.subarray(this.keyStart, this.keyStart + this.keyLength);
  }

  /** The current record's value as a view of its bytes (allocates), null for none. */
  value(): Buffer | null {
    return this.valueLength < 0 ? null : this.bytes.subarray(this.valueStart, this.valueStart + this.valueLength);
  }

  /** Why the current record's batch could not be read (the record is then its stand-in), else null. */
  decodeFailure(): RawRecordBatch['decodeFailure'] {
    return this.batch!.decodeFailure;
  }
}

/** Index of the first record of `batch` in [lo, hi) whose offset is at or above `offset`; hi when none (offsets ascend). */
function firstAtOrAbove(batch: RawRecordBatch, lo: number, hi: number, offset: number): number {
  const { layout, baseOffset } = batch;
  if (lo >= hi || baseOffset + layout[lo * LAYOUT_STRIDE] >= offset) return lo;
  if (baseOffset + layout[(hi - 1) * LAYOUT_STRIDE] < offset) return hi;
  // Record a is below `offset`, record b is not.
  let a = lo;
  let b = hi - 1;
  while (b - a > 1) {
    const m = (a + b) >>> 1;
    if (baseOffset + layout[m * LAYOUT_STRIDE] < offset) a = m;
    else b = m;
  }
  return b;
}
