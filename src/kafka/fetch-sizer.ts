/** Options of {@link FetchSizer}. */
export interface FetchSizerOptions {
  /**
   * Events one partition's fetch should bring: the model work a fetch aims at divided by the
   * model's measured cost per event (WorkBudget.eventsPerFetch). NaN before the first
   * measurement, Infinity when the sizing is off: both fetch `ceilingBytes`.
   */
  readonly eventsPerFetch: () => number;
  /** Smallest per-partition limit, bytes (kafka.fetchFloorBytesPerPartition); the ceiling where above it. */
  readonly floorBytes: number;
  /** Largest per-partition limit, bytes (kafka.maxBytesPerPartition). */
  readonly ceilingBytes: number;
}

/**
 * Bytes a record takes in a fetch response beyond its key and value: its framing (length,
 * attributes, timestamp and offset deltas, key and value lengths, header count: 7-12 bytes) and
 * a share of its record batch's 61-byte header.
 */
export const RECORD_OVERHEAD_BYTES = 16;
/** Weight of the newest batch in the moving average of the record size. */
const SMOOTHING = 0.2;
/** Limits are rounded to this many bytes, so small changes of the averages do not change them. */
const GRANULE_BYTES = 4096;

/**
 * The fetch byte limit per partition, following the model's measured cost: a fetch asks for about
 * `eventsPerFetch()` records (at the measured average record size), between the floor and the
 * ceiling. A slow model then gets small fetches (kafkajs decodes a whole fetch response in one
 * synchronous stretch that is not sliced by model time, and a large one holds minutes of work in
 * memory), a fast one the ceiling (fewer requests per event).
 *
 *   bytes per partition = clamp(eventsPerFetch * (average key + value bytes + RECORD_OVERHEAD_BYTES),
 *                               floorBytes, ceilingBytes), rounded up to 4 KiB
 *
 * The broker returns at least one whole record batch per partition whatever the limit, so a
 * record batch larger than the limit is still fetched.
 */
export class FetchSizer {
  readonly floorBytes: number;
  readonly ceilingBytes: number;
  private readonly eventsPerFetch: () => number;
  private recordBytes = NaN;

  constructor(opts: FetchSizerOptions) {
    if (!(opts.floorBytes > 0 && opts.ceilingBytes > 0)) {
      throw new RangeError(`fetch limits must be positive: floor ${opts.floorBytes}, ceiling ${opts.ceilingBytes}`);
    }
    this.floorBytes = Math.min(opts.floorBytes, opts.ceilingBytes);
    this.ceilingBytes = opts.ceilingBytes;
    this.eventsPerFetch = opts.eventsPerFetch;
  }

  /** The moving average of a record's size in a fetch response, bytes (NaN before any batch). */
  averageRecordBytes(): number {
    return this.recordBytes;
  }

  /** Records that a fetched batch held `records` records with `payloadBytes` of keys and values. */
  observe(records: number, payloadBytes: number): void {
    if (records <= 0) return;
    const sample = payloadBytes / records + RECORD_OVERHEAD_BYTES;
    this.recordBytes = Number.isNaN(this.recordBytes) ? sample : this.recordBytes + SMOOTHING * (sample - this.recordBytes);
  }

  /** The per-partition limit for the next fetch, bytes. */
  bytesPerPartition(): number {
    const events = this.eventsPerFetch();
    if (Number.isNaN(events) || Number.isNaN(this.recordBytes) || events === Infinity) return this.ceilingBytes;
    const wanted = Math.ceil((events * this.recordBytes) / GRANULE_BYTES) * GRANULE_BYTES;
    return Math.min(this.ceilingBytes, Math.max(this.floorBytes, wanted));
  }
}
