/**
 * The training data of a run, whatever its source (a file, or a time range of a Kafka topic):
 * the valid events grouped by key as columns ({@link KeyEvents}), what was rejected (counted by
 * reason), timestamp regressions, and the identity of the data (a SHA-256). Events are decoded
 * by the live pipeline's decoder (decodeEvent) with the given limits, so training sees exactly
 * the events the stream would accept.
 */
import { DatasetError } from '../errors/index.js';
import { decodeEvent, decodeTickAt, decodeTickInto, MAX_EVENT_TS, type DecodeOptions } from '../events/decode-event.js';
import type { DecodeLimits } from '../events/decode-options-for-model.js';
import type { EventKind } from '../events/model-event.js';
import { MessageKeyCache } from '../events/message-key-cache.js';
import type { Rejection, RejectReason } from '../events/reject-reason.js';
import type { TickFields } from '../events/scan-tick.js';
import { FEATURE_MEMORY_SIZE, MEM_PREV_TS, MEM_SEEN } from '../features/feature-memory.js';
import { isTimestampRegression } from '../runtime/timestamp-regression.js';
import { EventRows } from './event-rows.js';
import { GrowableArray } from './growable-array.js';
import { KeyEvents, rowStride, TARGET_ABSENT, TARGET_UNUSABLE, writeTickRow, writeVectorRow, type EventPosition } from './key-events.js';

/** A vector event whose `target` is present but unusable (the step is kept, without a target). */
export interface TargetIssue {
  readonly at: EventPosition;
  readonly detail: string;
}

/** The valid events of a run's input, by key, and what was not usable. */
export interface EventSet {
  /** Where the data came from (file path, or topic and offset ranges): recorded in provenance. */
  readonly source: Readonly<Record<string, unknown>>;
  /** Name of the input in messages (a file path, or `topic <name>`). */
  readonly label: string;
  /** Hex SHA-256 of the data read (file bytes; for Kafka see readTopicEvents). */
  readonly sha256: string;
  readonly kind: EventKind;
  /** Features per vector event; 0 for ticks. */
  readonly vectorSize: number;
  /** Keys in the order of their first event's position: partition, then offset (a file's: line order). */
  readonly keys: readonly KeyEvents[];
  readonly validEvents: number;
  readonly rejected: number;
  readonly rejectedByReason: Readonly<Partial<Record<RejectReason, number>>>;
  /** Events earlier than their key's previous event (kept, in arrival order, as backtest does). */
  readonly timestampRegressions: number;
  /** Events with the same ts as their key's previous event. */
  readonly equalTimestamps: number;
  readonly targetIssues: readonly TargetIssue[];
}

/** Called for every rejected input (file line or Kafka message). */
export type OnRejected = (at: EventPosition, reason: RejectReason, detail: string) => void;

/**
 * Decodes inputs one by one into an {@link EventSet}. The event kind comes from the target
 * (ticks or vectors); a vector input's feature count is that of the first JSON object with a
 * `features` array.
 */
export class EventSetBuilder {
  readonly kind: EventKind;
  private vectorSize = 0;
  private readonly limits: DecodeLimits;
  private options: DecodeOptions | undefined;
  /** Index of each key, in the order of its first event. */
  private readonly keyIndex = new Map<string, number>();
  private readonly keyNames: string[] = [];
  /** Each key's latest ts (by key index). */
  private readonly lastTs = new GrowableArray((n) => new Float64Array(n));
  /** Every valid event's row, in arrival order; created once the row layout is known (vectors: their size). */
  private rows: EventRows | undefined;
  /** Vector targets of every key, referenced from the rows. */
  private readonly targetValues = new GrowableArray((n) => new Float64Array(n));
  private valid = 0;
  private rejectedCount = 0;
  private readonly byReason: Partial<Record<RejectReason, number>> = {};
  private otherKind = 0;
  private regressions = 0;
  private equal = 0;
  private readonly issues: TargetIssue[] = [];
  private readonly onRejected: OnRejected | undefined;
  private readonly memory = new Float64Array(FEATURE_MEMORY_SIZE);
  private readonly keys = new MessageKeyCache();
  /** Per entry of the key cache: the key it held when its key index was noted, and that index. */
  private readonly entryKeys: string[] = new Array<string>(this.keys.slots).fill('');
  private readonly entryIndex = new Int32Array(this.keys.slots);
  private readonly tick: TickFields = { key: '', ts: 0, price: 0, volume: 0, end: false };

  constructor(kind: EventKind, limits: DecodeLimits, onRejected?: OnRejected) {
    this.kind = kind;
    this.limits = limits;
    this.onRejected = onRejected;
    if (kind === 'tick') {
      this.options = { kind, inputSize: 0, ...limits };
      this.rows = new EventRows(rowStride(kind, 0));
    }
  }

  /**
   * Decodes one input: `messageKey` is the Kafka message key as text (undefined for a file
   * line), as the live pipeline passes it. A valid event is appended to its key's columns.
   */
  add(value: string | Uint8Array | null, messageKey: string | null | undefined, at: EventPosition): void {
    this.decode(value, messageKey, at.partition, at.pos);
  }

  /**
   * Decodes one Kafka message of `partition` at `offset`: its key bytes go through the stream's
   * key rule (events/message-key.ts: a key that is not valid UTF-8 is rejected as `invalid_key`), its
   * value through the live decoder.
   */
  addMessage(value: Uint8Array | null, key: Buffer | null, partition: number, offset: number): void {
    const text = this.keys.text(key);
    if (text !== null && typeof text === 'object') this.reject(value, text, { partition, pos: offset });
    else this.decode(value, text, partition, offset, this.keys.slot);
  }

  /**
   * {@link addMessage} of a record read in place from a fetched record batch: its key and value
   * are the bytes [start, start + length) of `bytes` (length -1: null). Ticks are read without a
   * view of either; the same event, rejection and order as addMessage of views of those bytes.
   */
  addRecord(bytes: Buffer, keyStart: number, keyLength: number, valueStart: number, valueLength: number, partition: number, offset: number): void {
    const text = this.keys.textAt(bytes, keyStart, keyLength);
    const slot = this.keys.slot;
    if (this.kind !== 'tick' || (text !== null && typeof text === 'object')) {
      const value = valueLength < 0 ? null : bytes.subarray(valueStart, valueStart + valueLength);
      if (text !== null && typeof text === 'object') this.reject(value, text, { partition, pos: offset });
      else this.decode(value, text, partition, offset, slot);
      return;
    }
    const tick = this.tick;
    const rejection = decodeTickAt(bytes, valueStart, valueLength, text, this.options!, MAX_EVENT_TS, tick);
    if (rejection !== null) return this.reject(valueLength < 0 ? null : bytes.subarray(valueStart, valueStart + valueLength), rejection, { partition, pos: offset });
    this.appendTick(tick, partition, offset, slot);
  }

  /** `slot`: the key cache's entry of `messageKey` (-1: none), see keyOf. */
  private decode(value: string | Uint8Array | null, messageKey: string | null | undefined, partition: number, pos: number, slot = -1): void {
    if (this.kind === 'tick') {
      // Ticks are decoded into one reused record and appended as numbers: nothing is allocated per event.
      const tick = this.tick;
      const rejection = decodeTickInto(value, messageKey, this.options!, MAX_EVENT_TS, tick);
      if (rejection !== null) return this.reject(value, rejection, { partition, pos });
      this.appendTick(tick, partition, pos, slot);
      return;
    }
    const opts = this.options ?? this.vectorOptions(textOf(value));
    const result = decodeEvent(value, messageKey, opts);
    if (!result.ok) return this.reject(value, result, { partition, pos });
    const event = result.event;
    // Training reads tick or vector inputs only (targetEventKind): a token event cannot get here.
    if (event.kind !== 'vector') throw new TypeError(`EventSetBuilder of vector events got a ${event.kind} event`);
    const at = { partition, pos };
    const target = this.readTarget(textOf(value)!, at);
    const targetStart = this.targetValues.length;
    if (typeof target !== 'number') this.targetValues.pushAll(target);
    const rows = (this.rows ??= new EventRows(rowStride('vector', this.vectorSize)));
    const row = rows.append(this.keyOf(event.key, event.ts, slot));
    writeVectorRow(rows.chunk, row, event, at, targetStart, typeof target === 'number' ? target : target.length);
    this.valid++;
  }

  /** Appends a valid tick's row. */
  private appendTick(tick: TickFields, partition: number, pos: number, slot: number): void {
    const rows = this.rows!;
    const at = rows.append(this.keyOf(tick.key, tick.ts, slot));
    writeTickRow(rows.chunk, at, tick.ts, tick.price, tick.volume, tick.end, partition, pos);
    this.valid++;
  }

  /**
   * The index of `key` (a new one for a new key), counting a timestamp regression or an equal ts
   * of its event at `ts` to come. `slot`: the key cache's entry that held the message key when
   * it was looked up (-1: none); the index noted for that entry is used while the entry still
   * holds this key, which spares a lookup of the key in the map.
   */
  private keyOf(key: string, ts: number, slot: number): number {
    const noted = slot >= 0 && this.entryKeys[slot] === key;
    let k = noted ? this.entryIndex[slot] : (this.keyIndex.get(key) ?? -1);
    const added = k < 0;
    if (added) {
      k = this.keyNames.length;
      this.keyIndex.set(key, k);
      this.keyNames.push(key);
      this.lastTs.push(ts);
    }
    if (!noted && slot >= 0) {
      this.entryKeys[slot] = key;
      this.entryIndex[slot] = k;
    }
    if (added) return k;
    const last = this.lastTs.storage;
    const prev = last[k];
    // The serving rule, on a memory holding just the key's previous ts.
    this.memory[MEM_SEEN] = 1;
    this.memory[MEM_PREV_TS] = prev;
    if (isTimestampRegression(this.memory, ts)) this.regressions++;
    else if (ts === prev) this.equal++;
    last[k] = ts;
    return k;
  }

  /** Counts and reports a rejected input. */
  private reject(value: string | Uint8Array | null, rejection: Rejection, at: EventPosition): void {
    this.rejectedCount++;
    this.byReason[rejection.reason] = (this.byReason[rejection.reason] ?? 0) + 1;
    // The text is made again only where it is read: a rejection's hint.
    const text = textOf(value);
    if (text !== null && text.includes(this.kind === 'tick' ? '"features"' : '"price"')) this.otherKind++;
    this.onRejected?.(at, rejection.reason, rejection.detail);
  }

  /** The set; throws DatasetError (with the rejection reasons) when no input was a valid event. */
  finish(label: string, source: Readonly<Record<string, unknown>>, sha256: string): EventSet {
    if (this.valid === 0) {
      const reasons = Object.entries(this.byReason).map(([r, n]) => `${r}=${n}`).join(', ');
      const hint =
        this.otherKind > 0
          ? `; ${this.otherKind} of them look like ${this.kind === 'tick' ? 'vector events ({"key","ts","features"})' : 'market ticks ({"symbol","ts","price"})'}: the target needs ${this.kind} events`
          : '';
      throw new DatasetError(`no valid ${this.kind} event: ${this.rejectedCount} inputs rejected${reasons ? ` (${reasons})` : ''}${hint}`, { file: label });
    }
    const names = this.keyNames;
    const { data, start } = this.rows!.groupByKey(names.length);
    this.targetValues.trim();
    const targets = this.targetValues.view();
    const keys = names.map((key, k) => new KeyEvents(key, this.kind, this.vectorSize, data, start[k], start[k + 1] - start[k], targets));
    // Kafka hands over the partitions' batches in no fixed order: keys are ordered by their first
    // event's partition, then offset (a file's by line: the order they came in), so the same
    // range always gives the same order, and so the same statistics and weights.
    keys.sort((a, b) => a.partition(0) - b.partition(0) || a.pos(0) - b.pos(0));
    return {
      source,
      label,
      sha256,
      kind: this.kind,
      vectorSize: this.vectorSize,
      keys,
      validEvents: this.valid,
      rejected: this.rejectedCount,
      rejectedByReason: { ...this.byReason },
      timestampRegressions: this.regressions,
      equalTimestamps: this.equal,
      targetIssues: this.issues,
    };
  }

  /** Vector decode options once the feature count is known; until then, learns it from this input. */
  private vectorOptions(text: string | null): DecodeOptions {
    let size = -1;
    try {
      const body: unknown = text === null ? null : JSON.parse(text);
      const features = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).features : undefined;
      if (Array.isArray(features)) size = features.length;
    } catch {
      // Not JSON: decodeEvent rejects it as malformed_json with the parser's message.
    }
    if (size < 0) return { kind: 'vector', inputSize: 0, ...this.limits };
    this.vectorSize = size;
    this.options = { kind: 'vector', inputSize: size, ...this.limits };
    return this.options;
  }

  /** The numeric `target` of a valid vector event's text; unusable ones are recorded as issues. */
  private readTarget(text: string, at: EventPosition): readonly number[] | typeof TARGET_ABSENT | typeof TARGET_UNUSABLE {
    const raw = (JSON.parse(text) as Record<string, unknown>).target;
    if (raw === undefined) return TARGET_ABSENT;
    const list: unknown = typeof raw === 'number' ? [raw] : raw;
    if (Array.isArray(list) && list.length > 0 && list.every((v) => typeof v === 'number' && Number.isFinite(v))) return list as number[];
    this.issues.push({ at, detail: `"target" must be a number or an array of finite numbers, got ${JSON.stringify(raw)?.slice(0, 40)}` });
    return TARGET_UNUSABLE;
  }
}

/** The text of an input (bytes are decoded as UTF-8). */
function textOf(value: string | Uint8Array | null): string | null {
  return value === null || typeof value === 'string' ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf-8');
}
