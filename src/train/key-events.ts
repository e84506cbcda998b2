import type { EventKind, ModelEvent, VectorEvent } from '../events/model-event.js';

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

/** Row layout: ts, position, partition, end (0 or 1), then, for vectors, the target's start and length, then price and volume (ticks) or the features (vectors). */
const TS = 0;
const POS = 1;
const PARTITION = 2;
const END = 3;
const TARGET_START = 4;
const TARGET_LENGTH = 5;

/** Numbers per row of events of `kind` with `vectorSize` features. */
export function rowStride(kind: EventKind, vectorSize: number): number {
  return valuesAt(kind) + (kind === 'tick' ? 2 : vectorSize);
}

/** Index of the first value (price, or the first feature) in a row. */
function valuesAt(kind: EventKind): number {
  return kind === 'tick' ? 4 : 6;
}

/**
 * Writes a tick's row at `at` of `rows` (its position: partition and Kafka offset or file line).
 * The row layout belongs to this file; EventSetBuilder appends rows through these writers.
 */
export function writeTickRow(rows: Float64Array, at: number, ts: number, price: number, volume: number, end: boolean, partition: number, pos: number): void {
  rows[at + TS] = ts;
  rows[at + POS] = pos;
  rows[at + PARTITION] = partition;
  rows[at + END] = end ? 1 : 0;
  rows[at + 4] = price;
  rows[at + 5] = volume;
}

/**
 * Writes a vector event's row at `at` of `rows`; its raw `target` is `targetLength` numbers from
 * `targetStart` of the shared target values (or a length of TARGET_ABSENT / TARGET_UNUSABLE).
 */
export function writeVectorRow(rows: Float64Array, at: number, event: VectorEvent, position: EventPosition, targetStart: number, targetLength: number): void {
  rows[at + TS] = event.ts;
  rows[at + POS] = position.pos;
  rows[at + PARTITION] = position.partition;
  rows[at + END] = event.end ? 1 : 0;
  rows[at + TARGET_START] = targetStart;
  rows[at + TARGET_LENGTH] = targetLength;
  const n = event.features.length;
  for (let i = 0; i < n; i++) rows[at + 6 + i] = event.features[i];
}

/**
 * The valid events of one key in arrival order (file order, or offset order within the key's
 * partition): a view of rows `first` .. `first + length - 1` of a store shared by all keys of
 * an EventSet (event-rows.ts), each row ts, position, partition, `end`, then price and volume
 * (ticks, 48 bytes an event) or the target's place and the features (vectors), whose raw
 * numeric targets are in one array shared by all keys. {@link event} builds a ModelEvent on demand.
 */
export class KeyEvents {
  readonly key: string;
  readonly kind: EventKind;
  /** Features per vector event; 0 for ticks. */
  readonly vectorSize: number;
  readonly length: number;
  /** Numbers per event in `rows`. */
  private readonly stride: number;
  private readonly values: number;
  private readonly rows: Float64Array;
  /** Index in `rows` of this key's first row. */
  private readonly base: number;
  private readonly targetValues: Float64Array;

  /** The key's events are rows [first, first + length) of `rows` (rows of {@link rowStride} numbers). */
  constructor(key: string, kind: EventKind, vectorSize: number, rows: Float64Array, first: number, length: number, targetValues: Float64Array = EMPTY) {
    this.key = key;
    this.kind = kind;
    this.vectorSize = vectorSize;
    this.stride = rowStride(kind, vectorSize);
    this.values = valuesAt(kind);
    this.rows = rows;
    this.base = first * this.stride;
    this.length = length;
    this.targetValues = targetValues;
  }

  /** Epoch ms of event t. */
  ts(t: number): number {
    return this.rows[this.base + t * this.stride + TS];
  }

  /** Whether event t carries `end: true`. */
  end(t: number): boolean {
    return this.rows[this.base + t * this.stride + END] === 1;
  }

  /** Price of tick t. */
  price(t: number): number {
    return this.rows[this.base + t * this.stride + this.values];
  }

  /** Volume of tick t. */
  volume(t: number): number {
    return this.rows[this.base + t * this.stride + this.values + 1];
  }

  /** Position of event t. */
  position(t: number): EventPosition {
    return { partition: this.partition(t), pos: this.pos(t) };
  }

  /** 1-based file line or Kafka offset of event t. */
  pos(t: number): number {
    return this.rows[this.base + t * this.stride + POS];
  }

  /** Kafka partition of event t (-1 for a file). */
  partition(t: number): number {
    return this.rows[this.base + t * this.stride + PARTITION];
  }

  /** The raw target of vector event t: its numbers, TARGET_ABSENT or TARGET_UNUSABLE. */
  target(t: number): Float64Array | typeof TARGET_ABSENT | typeof TARGET_UNUSABLE {
    if (this.kind !== 'vector') return TARGET_ABSENT;
    const row = this.base + t * this.stride;
    const n = this.rows[row + TARGET_LENGTH];
    if (n < 0) return n as typeof TARGET_ABSENT | typeof TARGET_UNUSABLE;
    const start = this.rows[row + TARGET_START];
    return this.targetValues.subarray(start, start + n);
  }

  /** The timestamps, in event order: in `out` (its first `length` values) when given, else a new array. */
  timestamps(out = new Float64Array(this.length)): Float64Array {
    for (let t = 0; t < this.length; t++) out[t] = this.ts(t);
    return out.length === this.length ? out : out.subarray(0, this.length);
  }

  /** Event t as the decoder produced it. */
  event(t: number): ModelEvent {
    const base = { key: this.key, ts: this.ts(t), end: this.end(t) };
    if (this.kind === 'tick') return { kind: 'tick', ...base, price: this.price(t), volume: this.volume(t) };
    const row = this.base + t * this.stride + this.values;
    return { kind: 'vector', ...base, features: Array.from(this.rows.subarray(row, row + this.vectorSize)) };
  }
}

const EMPTY = new Float64Array(0);
