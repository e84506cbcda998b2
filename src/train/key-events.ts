import type { EventKind, ModelEvent } from '../events/model-event.js';
import { GrowableArray } from './growable-array.js';

/** Where an event came from: a file line, or a Kafka partition and offset. */
export interface EventPosition {
  /** Kafka partition; -1 for a file. */
  readonly partition: number;
  /** 1-based file line, or the Kafka offset. */
  readonly pos: number;
}

/** Raw `target` of a vector event: absent, unusable (not numbers), or these numbers. */
export const TARGET_ABSENT = -1;
export const TARGET_UNUSABLE = -2;

/** Row layout: ts, position, partition, end (0 or 1), then price and volume (ticks) or the features (vectors). */
const TS = 0;
const POS = 1;
const PARTITION = 2;
const END = 3;
const VALUES = 4;

/**
 * The valid events of one key in arrival order (file order, or offset order within the key's
 * partition), kept as rows of numbers in one growable Float64Array: ts, position, partition,
 * `end`, then price and volume (ticks, 48 bytes an event) or the features (vectors), and the raw
 * numeric `target` of vector events in columns of their own. So the memory of a replay grows
 * with the data kept rather than with the bytes read, and appending an event allocates nothing
 * but the array's occasional doubling. {@link event} builds a ModelEvent on demand.
 */
export class KeyEvents {
  readonly key: string;
  readonly kind: EventKind;
  /** Features per vector event; 0 for ticks. */
  readonly vectorSize: number;
  /** Numbers per event in `rows`. */
  private readonly stride: number;
  private readonly rows = new GrowableArray((n) => new Float64Array(n));
  private count = 0;
  /** Vectors: start of the event's target in targetValues, and its length (or TARGET_ABSENT / TARGET_UNUSABLE). */
  private readonly targetStart = new GrowableArray((n) => new Float64Array(n));
  private readonly targetLength = new GrowableArray((n) => new Int32Array(n));
  private readonly targetValues = new GrowableArray((n) => new Float64Array(n));

  constructor(key: string, kind: EventKind, vectorSize: number) {
    this.key = key;
    this.kind = kind;
    this.vectorSize = vectorSize;
    this.stride = VALUES + (kind === 'tick' ? 2 : vectorSize);
  }

  /** Number of events. */
  get length(): number {
    return this.count;
  }

  /**
   * Appends a decoded event with its position and, for vectors, its raw `target` (numbers,
   * TARGET_ABSENT or TARGET_UNUSABLE).
   */
  push(event: ModelEvent, at: EventPosition, target: readonly number[] | typeof TARGET_ABSENT | typeof TARGET_UNUSABLE = TARGET_ABSENT): void {
    // Training reads tick or vector files only (targetEventKind); a token event cannot get here.
    if (event.kind === 'token') throw new TypeError('KeyEvents holds tick and vector events only');
    if (event.kind === 'tick') {
      this.pushTick(event.ts, event.price, event.volume, event.end, at.partition, at.pos);
      return;
    }
    const row = this.appendRow(event.ts, event.end, at.partition, at.pos);
    const data = this.rows.storage;
    for (let i = 0; i < this.vectorSize; i++) data[row + VALUES + i] = event.features[i];
    this.targetStart.push(this.targetValues.length);
    if (typeof target === 'number') {
      this.targetLength.push(target);
      return;
    }
    this.targetLength.push(target.length);
    this.targetValues.pushAll(target);
  }

  /** Appends a decoded tick (the fields of a TickEvent) with its position. */
  pushTick(ts: number, price: number, volume: number, end: boolean, partition: number, pos: number): void {
    if (this.kind !== 'tick') throw new TypeError('pushTick on the events of a vector key');
    const row = this.appendRow(ts, end, partition, pos);
    const data = this.rows.storage;
    data[row + VALUES] = price;
    data[row + VALUES + 1] = volume;
  }

  /** Epoch ms of event t. */
  ts(t: number): number {
    return this.rows.get(t * this.stride + TS);
  }

  /** Whether event t carries `end: true`. */
  end(t: number): boolean {
    return this.rows.get(t * this.stride + END) === 1;
  }

  /** Price of tick t. */
  price(t: number): number {
    return this.rows.get(t * this.stride + VALUES);
  }

  /** Volume of tick t. */
  volume(t: number): number {
    return this.rows.get(t * this.stride + VALUES + 1);
  }

  /** Position of event t. */
  position(t: number): EventPosition {
    return { partition: this.partition(t), pos: this.pos(t) };
  }

  /** 1-based file line or Kafka offset of event t. */
  pos(t: number): number {
    return this.rows.get(t * this.stride + POS);
  }

  /** Kafka partition of event t (-1 for a file). */
  partition(t: number): number {
    return this.rows.get(t * this.stride + PARTITION);
  }

  /** The raw target of vector event t: its numbers, TARGET_ABSENT or TARGET_UNUSABLE. */
  target(t: number): Float64Array | typeof TARGET_ABSENT | typeof TARGET_UNUSABLE {
    if (this.kind !== 'vector') return TARGET_ABSENT;
    const n = this.targetLength.get(t);
    if (n < 0) return n as typeof TARGET_ABSENT | typeof TARGET_UNUSABLE;
    const start = this.targetStart.get(t);
    return this.targetValues.view().subarray(start, start + n);
  }

  /** The timestamps, in event order (a new array). */
  timestamps(): Float64Array {
    const out = new Float64Array(this.count);
    for (let t = 0; t < this.count; t++) out[t] = this.ts(t);
    return out;
  }

  /** Event t as the decoder produced it. */
  event(t: number): ModelEvent {
    const base = { key: this.key, ts: this.ts(t), end: this.end(t) };
    if (this.kind === 'tick') return { kind: 'tick', ...base, price: this.price(t), volume: this.volume(t) };
    const row = t * this.stride + VALUES;
    return { kind: 'vector', ...base, features: Array.from(this.rows.view().subarray(row, row + this.vectorSize)) };
  }

  /** Releases the spare capacity of every column (no more events come). */
  trim(): void {
    for (const c of [this.rows, this.targetStart, this.targetLength, this.targetValues]) c.trim();
  }

  /** Appends the row of an event with its common fields; returns the row's index in `rows`. */
  private appendRow(ts: number, end: boolean, partition: number, pos: number): number {
    const row = this.rows.reserve(this.stride);
    const data = this.rows.storage;
    data[row + TS] = ts;
    data[row + POS] = pos;
    data[row + PARTITION] = partition;
    data[row + END] = end ? 1 : 0;
    this.count++;
    return row;
  }
}
