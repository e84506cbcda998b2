/**
 * Decoding and validation of input events (the contract in docs/architecture.md):
 *
 *     market tick:    {"symbol":"AAPL","ts":1764167400123,"price":189.23,"volume":1200}
 *     generic vector: {"key":"sensor-7","ts":1764167400123,"features":[0.1,2.3]}, optionally "target":
 *                     a number or an array of numbers (scored live; not an input)
 *     token:          {"key":"doc-7","ts":1764167400123,"token":"word"}  or  {..., "id":17}
 *
 * A token not in the model's vocabulary decodes to the vocabulary's unknown id (`unknown`
 * true, counted by the caller); an `id` outside 0 .. size-1 is rejected (token_out_of_range).
 * `ts` is epoch milliseconds or an ISO-8601 string. `end: true` marks the end of a sequence.
 * Never throws on bad input: every problem is a {@link Rejection} with a bounded reason code.
 * Tick bytes in the plain form are read by a fast path (scan-tick.ts) that gives the same result
 * as JSON.parse and validation, which every other input goes through.
 */
import type { Vocabulary } from '../model/vocabulary.js';
import type { EventKind, ModelEvent, TickEvent } from './model-event.js';
import type { Rejection } from './reject-reason.js';
import { scanTick, scanTickAt, type TickFields } from './scan-tick.js';

/** Limits and expectations for decoding; defaults in config/default.yaml (`events`). */
export interface DecodeOptions {
  readonly kind: EventKind;
  /** Required length of `features` for vector events. */
  readonly inputSize: number;
  /** Largest accepted message, in bytes. */
  readonly maxBytes: number;
  /** Longest accepted entity key, in characters. */
  readonly maxKeyLength: number;
  /** Largest accepted absolute value of any number (guards against overflow downstream). */
  readonly maxAbsValue: number;
  /** Token events: the model's vocabulary (required when `kind` is `token`). */
  readonly vocabulary?: Vocabulary;
}

export const DEFAULT_DECODE_LIMITS = { maxBytes: 65_536, maxKeyLength: 256, maxAbsValue: 1e15 } as const;

/** Latest accepted event time whatever the clock: 9999-12-31T23:59:59.999Z (epoch ms). */
export const MAX_EVENT_TS = 253_402_300_799_999;

/** A lone UTF-16 surrogate: a string that has no exact UTF-8 bytes (it would be stored as U+FFFD). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export type DecodeResult = { readonly ok: true; readonly event: ModelEvent } | ({ readonly ok: false } & Rejection);

const reject = (reason: Rejection['reason'], detail: string): DecodeResult => ({ ok: false, reason, detail });

/**
 * Decodes raw message bytes. `messageKey` is the Kafka message key (null for a message without
 * one; undefined where there is no such thing, e.g. a file line). When given, it must be
 * non-null and equal the body's key, since a key's partition, and so its order, come from it.
 * `maxTs` is the latest accepted event time (epoch ms; the serving pipeline passes the wall clock
 * plus `events.maxFutureSkewMs`); later events, and any past {@link MAX_EVENT_TS}, are rejected as
 * `timestamp_out_of_range`.
 */
export function decodeEvent(
  value: Uint8Array | string | null,
  messageKey: string | null | undefined,
  opts: DecodeOptions,
  maxTs: number = MAX_EVENT_TS,
): DecodeResult {
  if (opts.kind === 'tick' && value !== null && typeof value !== 'string' && scanTick(value, messageKey, opts, maxTs < MAX_EVENT_TS ? maxTs : MAX_EVENT_TS, scratch)) {
    return { ok: true, event: { kind: 'tick', key: scratch.key, ts: scratch.ts, price: scratch.price, volume: scratch.volume, end: scratch.end } };
  }
  return decodeEventByJsonParse(value, messageKey, opts, maxTs);
}

/**
 * A tick decoded into `out` (no event object): null when `value` is a valid tick, its
 * rejection otherwise. Accepts and rejects exactly what {@link decodeEvent} does with tick
 * options (`opts.kind` must be `tick`).
 */
export function decodeTickInto(
  value: Uint8Array | string | null,
  messageKey: string | null | undefined,
  opts: DecodeOptions,
  maxTs: number,
  out: TickFields,
): Rejection | null {
  if (opts.kind !== 'tick') throw new TypeError(`decodeTickInto: options of kind ${opts.kind}, not tick`);
  if (value !== null && typeof value !== 'string' && scanTick(value, messageKey, opts, maxTs < MAX_EVENT_TS ? maxTs : MAX_EVENT_TS, out)) return null;
  const result = decodeEventByJsonParse(value, messageKey, opts, maxTs);
  if (!result.ok) return result;
  const event = result.event as TickEvent;
  out.key = event.key;
  out.ts = event.ts;
  out.price = event.price;
  out.volume = event.volume;
  out.end = event.end;
  return null;
}

/**
 * {@link decodeTickInto} of the bytes [start, start + length) of `bytes` (length -1: a null
 * value), read in place when the fast path decides; the same answers as decodeTickInto of a
 * view of those bytes.
 */
export function decodeTickAt(
  bytes: Uint8Array,
  start: number,
  length: number,
  messageKey: string | null | undefined,
  opts: DecodeOptions,
  maxTs: number,
  out: TickFields,
): Rejection | null {
  if (length >= 0 && opts.kind === 'tick' && scanTickAt(bytes, start, start + length, messageKey, opts, maxTs < MAX_EVENT_TS ? maxTs : MAX_EVENT_TS, out)) return null;
  return decodeTickInto(length < 0 ? null : bytes.subarray(start, start + length), messageKey, opts, maxTs, out);
}

/** Where decodeEvent writes a tick of the fast path before building its event. */
const scratch: TickFields = { key: '', ts: 0, price: 0, volume: 0, end: false };

/**
 * decodeEvent without the fast path for ticks: the text parsed by JSON.parse, then validated.
 * Gives the same result as decodeEvent for every input (tests/events/scan-tick.test.ts checks it).
 */
export function decodeEventByJsonParse(
  value: Uint8Array | string | null,
  messageKey: string | null | undefined,
  opts: DecodeOptions,
  maxTs: number = MAX_EVENT_TS,
): DecodeResult {
  if (value === null) return reject('malformed_json', 'message has no value');
  const size = typeof value === 'string' ? Buffer.byteLength(value) : value.byteLength;
  if (size > opts.maxBytes) return reject('oversized', `message is ${size} bytes, limit ${opts.maxBytes}`);
  let body: unknown;
  try {
    body = JSON.parse(typeof value === 'string' ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf-8'));
  } catch (err) {
    return reject('malformed_json', (err as Error).message);
  }
  return validateEvent(body, messageKey, opts, maxTs);
}

/** Validates an already parsed JSON value; see {@link decodeEvent}. */
export function validateEvent(
  body: unknown,
  messageKey: string | null | undefined,
  opts: DecodeOptions,
  maxTs: number = MAX_EVENT_TS,
): DecodeResult {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return reject('not_an_object', 'event must be a JSON object');
  const o = body as Record<string, unknown>;
  const keyField = opts.kind === 'tick' ? 'symbol' : 'key';
  const bodyKey = o[keyField] ?? o[keyField === 'symbol' ? 'key' : 'symbol'];
  if (messageKey === null) return reject('null_key', 'message has no key; the entity key must be the message key');
  if (bodyKey === undefined || bodyKey === null) {
    if (messageKey === undefined) return reject('missing_field', `missing "${keyField}"`);
  } else if (typeof bodyKey !== 'string' || bodyKey.length === 0) {
    return reject('wrong_type', `"${keyField}" must be a non-empty string`);
  } else if (messageKey !== undefined && bodyKey !== messageKey) {
    return reject('key_mismatch', `"${keyField}" is ${JSON.stringify(bodyKey.slice(0, 64))} but the message key is ${JSON.stringify(messageKey.slice(0, 64))}`);
  }
  const key = (messageKey ?? bodyKey) as string;
  if (key.length > opts.maxKeyLength) return reject('oversized', `key is ${key.length} characters, limit ${opts.maxKeyLength}`);
  if (messageKey === undefined && LONE_SURROGATE.test(key)) {
    return reject('invalid_key', `"${keyField}" contains a lone UTF-16 surrogate (not valid Unicode, it has no exact UTF-8 bytes)`);
  }

  const ts = parseTimestamp(o.ts);
  if (typeof ts === 'string') return reject(o.ts === undefined ? 'missing_field' : 'bad_timestamp', ts);
  if (ts > MAX_EVENT_TS) return reject('timestamp_out_of_range', `"ts" ${ts} is after 9999-12-31T23:59:59.999Z`);
  if (ts > maxTs) {
    return reject('timestamp_out_of_range', `"ts" ${ts} is ${ts - maxTs} ms beyond the latest accepted time ${maxTs} (events.maxFutureSkewMs ahead of the wall clock)`);
  }
  const end = o.end ?? false;
  if (typeof end !== 'boolean') return reject('wrong_type', '"end" must be a boolean');

  if (opts.kind === 'tick') {
    const price = checkNumber(o.price, 'price', opts.maxAbsValue, true);
    if (typeof price !== 'number') return price;
    if (price <= 0) return reject('non_positive_price', `"price" must be > 0, got ${price}`);
    const volume = o.volume === undefined || o.volume === null ? 0 : checkNumber(o.volume, 'volume', opts.maxAbsValue, true);
    if (typeof volume !== 'number') return volume;
    if (volume < 0) return reject('negative_volume', `"volume" must be >= 0, got ${volume}`);
    return { ok: true, event: { kind: 'tick', key, ts, price, volume, end } };
  }

  if (opts.kind === 'token') return decodeToken(o, key, ts, end, opts);

  const features = o.features;
  if (features === undefined) return reject('missing_field', 'missing "features"');
  if (!Array.isArray(features)) return reject('wrong_type', '"features" must be an array of numbers');
  if (features.length !== opts.inputSize) {
    return reject('feature_count', `"features" has ${features.length} values, the model expects ${opts.inputSize}`);
  }
  for (let i = 0; i < features.length; i++) {
    const v = checkNumber(features[i], `features[${i}]`, opts.maxAbsValue, false);
    if (typeof v !== 'number') return v;
  }
  const target = vectorTarget(o.target);
  return { ok: true, event: target === undefined ? { kind: 'vector', key, ts, features: features as number[], end } : { kind: 'vector', key, ts, features: features as number[], end, target } };
}

/**
 * A vector event's `target` as numbers: a finite number, or a non-empty array of finite numbers;
 * anything else is no target (the event is still applied: a target is not an input).
 */
function vectorTarget(raw: unknown): readonly number[] | undefined {
  if (typeof raw === 'number') return Number.isFinite(raw) ? [raw] : undefined;
  if (!Array.isArray(raw) || raw.length === 0) return undefined;
  for (const v of raw) if (typeof v !== 'number' || !Number.isFinite(v)) return undefined;
  return raw as number[];
}

function decodeToken(o: Record<string, unknown>, key: string, ts: number, end: boolean, opts: DecodeOptions): DecodeResult {
  const vocab = opts.vocabulary;
  if (!vocab) throw new Error('decodeEvent: token events need DecodeOptions.vocabulary');
  const { token, id } = o;
  if (token !== undefined && id !== undefined) return reject('wrong_type', 'a token event has "token" or "id", not both');
  if (token !== undefined) {
    if (typeof token !== 'string') return reject('wrong_type', '"token" must be a string');
    if (token.length > MAX_TOKEN_LENGTH) return reject('oversized', `"token" is ${token.length} characters, limit ${MAX_TOKEN_LENGTH}`);
    const known = vocab.idOf(token);
    return { ok: true, event: { kind: 'token', key, ts, id: known ?? vocab.unknownId, unknown: known === undefined, end } };
  }
  if (id === undefined) return reject('missing_field', 'missing "token" (or "id")');
  if (typeof id !== 'number' || !Number.isInteger(id)) return reject('wrong_type', '"id" must be an integer');
  if (id < 0 || id >= vocab.size) return reject('token_out_of_range', `"id" ${id} is outside the vocabulary (0..${vocab.size - 1})`);
  return { ok: true, event: { kind: 'token', key, ts, id, unknown: false, end } };
}

/** Longest accepted `token` string, in UTF-16 code units. */
export const MAX_TOKEN_LENGTH = 1000;

function checkNumber(v: unknown, field: string, maxAbs: number, required: boolean): number | DecodeResult {
  if (v === undefined && required) return reject('missing_field', `missing "${field}"`);
  if (typeof v !== 'number') {
    // JSON has no NaN/Infinity literals; producers that send them as strings or null are caught here.
    if (v === null || v === 'NaN' || v === 'Infinity' || v === '-Infinity') return reject('non_finite', `"${field}" is ${String(v)}`);
    return reject('wrong_type', `"${field}" must be a number`);
  }
  if (!Number.isFinite(v)) return reject('non_finite', `"${field}" is not finite`);
  if (Math.abs(v) > maxAbs) return reject('oversized', `"${field}" magnitude ${v} exceeds ${maxAbs}`);
  return v;
}

/**
 * ISO-8601 / RFC 3339 date-time with zone: `T`, `t` or a space between date and time; seconds
 * optional; a fraction of 1-9 digits after `.` or `,`; zone `Z`, `z`, `+hh`, `+hhmm` or `+hh:mm`.
 */
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:[Zz]|([+-])(\d{2})(?::?(\d{2}))?)$/;

/** Milliseconds in 400 Gregorian years, the calendar's period (146097 days). */
const MS_PER_400_YEARS = 146_097 * 86_400_000;

/**
 * Epoch milliseconds from a number or an ISO-8601 string with zone; an error text otherwise.
 * Impossible date-times ("2024-02-30", "25:00", leap second ":60") are rejected rather than
 * rolled over; digits of a fraction beyond milliseconds are truncated (as Date.parse does).
 */
export function parseTimestamp(v: unknown): number | string {
  if (v === undefined) return 'missing "ts"';
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v < 0 || v > 8.64e15) return `"ts" ${v} is not a valid epoch-milliseconds value`;
    return v;
  }
  const m = typeof v === 'string' ? ISO_8601.exec(v) : null;
  if (m) {
    const ms = isoToEpochMs(m);
    if (ms !== undefined) return ms;
  }
  return `"ts" must be epoch milliseconds or an ISO-8601 timestamp with zone, got ${JSON.stringify(v)?.slice(0, 64)}`;
}

/** Days in `month` (1-12) of the proleptic Gregorian `year`. */
function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Epoch ms of a matched ISO_8601 string, or undefined when a field is out of its calendar range. */
function isoToEpochMs(m: RegExpExecArray): number | undefined {
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const offsetHours = m[9] === undefined ? 0 : Number(m[9]);
  const offsetMinutes = m[10] === undefined ? 0 : Number(m[10]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) return undefined;
  // Date.UTC reads years 0-99 as 1900-1999: shift by 400 years (the calendar's period) and back.
  const shift = year < 100 ? MS_PER_400_YEARS : 0;
  const dayStart = Date.UTC(year + (shift ? 400 : 0), month - 1, day) - shift;
  let fraction = 0;
  const digits = m[7];
  if (digits !== undefined) {
    for (let i = 0; i < 3; i++) fraction = fraction * 10 + (i < digits.length ? digits.charCodeAt(i) - 48 : 0);
  }
  const offsetMs = (m[8] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  const ms = dayStart + ((hour * 60 + minute) * 60 + second) * 1000 + fraction - offsetMs;
  return Number.isFinite(ms) ? ms : undefined;
}
