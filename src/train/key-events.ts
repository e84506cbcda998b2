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

/**
 * The valid events of one key in arrival order (file order, or offset order within the key's
 * partition), kept as columns of numbers: ts, position, `end`, price and volume (ticks) or the
 * features (vectors), and the raw numeric `target` of vector events. About 40 bytes a tick, so
 * the memory of a replay grows with the data kept rather than with the bytes read.
 * {@link event} builds a ModelEvent on demand (short-lived, for the feature transform).
 */
export class KeyEvents {
  readonly key: string;
  readonly kind: EventKind;
  /** Features per vector event; 0 for ticks. */
  readonly vectorSize: number;
  private readonly tsCol = new GrowableArray((n) => new Float64Array(n));
  private readonly posCol = new GrowableArray((n) => new Float64Array(n));
  private readonly partitionCol = new GrowableArray((n) => new Int32Array(n));
  private readonly endCol = new GrowableArray((n) => new Uint8Array(n));
  /** Ticks: price, volume per event. Vectors: the features, vectorSize per event. */
  private readonly valueCol = new GrowableArray((n) => new Float64Array(n));
  /** Vectors: start of the event's target in targetValues, and its length (or TARGET_ABSENT / TARGET_UNUSABLE). */
  private readonly targetStart = new GrowableArray((n) => new Float64Array(n));
  private readonly targetLength = new GrowableArray((n) => new Int32Array(n));
  private readonly targetValues = new GrowableArray((n) => new Float64Array(n));

  constructor(key: string, kind: EventKind, vectorSize: number) {
    this.key = key;
    this.kind = kind;
    this.vectorSize = vectorSize;
  }

  /** Number of events. */
  get length(): number {
    return this.tsCol.length;
  }

  /**
   * Appends a decoded event with its position and, for vectors, its raw `target` (numbers,
   * TARGET_ABSENT or TARGET_UNUSABLE).
   */
  push(event: ModelEvent, at: EventPosition, target: readonly number[] | typeof TARGET_ABSENT | typeof TARGET_UNUSABLE = TARGET_ABSENT): void {
    // Training reads tick or vector files only (targetEventKind); a token event cannot get here.
    if (event.kind === 'token') throw new TypeError('KeyEvents holds tick and vector events only');
    this.tsCol.push(event.ts);
    this.posCol.push(at.pos);
    this.partitionCol.push(at.partition);
    this.endCol.push(event.end ? 1 : 0);
    if (event.kind === 'tick') {
      this.valueCol.push(event.price);
      this.valueCol.push(event.volume);
      return;
    }
    this.valueCol.pushAll(event.features);
    this.targetStart.push(this.targetValues.length);
    if (typeof target === 'number') {
      this.targetLength.push(target);
      return;
    }
    this.targetLength.push(target.length);
    this.targetValues.pushAll(target);
  }

  /** Epoch ms of event t. */
  ts(t: number): number {
    return this.tsCol.get(t);
  }

  /** Whether event t carries `end: true`. */
  end(t: number): boolean {
    return this.endCol.get(t) === 1;
  }

  /** Price of tick t. */
  price(t: number): number {
    return this.valueCol.get(2 * t);
  }

  /** Position of event t. */
  position(t: number): EventPosition {
    return { partition: this.partitionCol.get(t), pos: this.posCol.get(t) };
  }

  /** 1-based file line or Kafka offset of event t. */
  pos(t: number): number {
    return this.posCol.get(t);
  }

  /** Kafka partition of event t (-1 for a file). */
  partition(t: number): number {
    return this.partitionCol.get(t);
  }

  /** The raw target of vector event t: its numbers, TARGET_ABSENT or TARGET_UNUSABLE. */
  target(t: number): Float64Array | typeof TARGET_ABSENT | typeof TARGET_UNUSABLE {
    if (this.kind !== 'vector') return TARGET_ABSENT;
    const n = this.targetLength.get(t);
    if (n < 0) return n as typeof TARGET_ABSENT | typeof TARGET_UNUSABLE;
    const start = this.targetStart.get(t);
    return this.targetValues.view().subarray(start, start + n);
  }

  /** The timestamps, as a view (valid until the next push). */
  timestamps(): Float64Array {
    return this.tsCol.view();
  }

  /** Event t as the decoder produced it. */
  event(t: number): ModelEvent {
    const base = { key: this.key, ts: this.tsCol.get(t), end: this.endCol.get(t) === 1 };
    if (this.kind === 'tick') return { kind: 'tick', ...base, price: this.valueCol.get(2 * t), volume: this.valueCol.get(2 * t + 1) };
    const n = this.vectorSize;
    return { kind: 'vector', ...base, features: Array.from(this.valueCol.view().subarray(t * n, (t + 1) * n)) };
  }

  /** Releases the spare capacity of every column (no more events come). */
  trim(): void {
    for (const c of [this.tsCol, this.posCol, this.partitionCol, this.endCol, this.valueCol, this.targetStart, this.targetLength, this.targetValues]) c.trim();
  }
}
