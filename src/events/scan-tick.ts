/**
 * The fast path of decodeEvent for market ticks: reads a tick straight from the message bytes,
 * without building a string or a JSON object, when the message is in the plain form producers
 * write, e.g. `{"symbol":"AAPL","ts":1764167400123,"price":189.23,"volume":1200}`:
 *
 * - only ASCII bytes; JSON whitespace (space, tab, CR, LF) anywhere between tokens;
 * - fields `symbol` or `key` (not both), `ts`, `price`, `volume`, `end`, in any order, each at
 *   most once; other fields only with a scalar value (a string, a number of the form below,
 *   true, false or null), which the full path ignores too;
 * - strings without escapes or control characters; `ts` a number, not an ISO-8601 string;
 * - numbers with at most 15 significant digits and a decimal exponent (fraction and `e` part
 *   together) within +-22, so that one exact division or multiplication of two exactly
 *   representable doubles gives the correctly rounded value: bit for bit what JSON.parse gives
 *   (Clinger's fast path);
 * - the result passes every check of the full path (non-empty key equal to the message key,
 *   key length, ts range, price > 0, volume >= 0, magnitudes).
 *
 * The layout producers write (that example's fields in that order, no whitespace) is matched
 * first by fixed runs of bytes; any other form is read field by field.
 *
 * It answers only "this is exactly this valid tick" or "undecided": anything else (a rejection,
 * an escape, a duplicate field, a nested value, an unusual number) is left to the full path
 * (JSON.parse and validation), which gives the value or the rejection and its reason.
 */
import type { DecodeOptions } from './decode-event.js';

/** A decoded tick, written in place by {@link scanTick} (and decodeTickInto). */
export interface TickFields {
  key: string;
  ts: number;
  price: number;
  volume: number;
  end: boolean;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN = 0x7b;
const CLOSE = 0x7d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

/** Fields of a tick, as bits of the set of fields seen. */
const F_SYMBOL = 1;
const F_KEY = 2;
const F_TS = 4;
const F_PRICE = 8;
const F_VOLUME = 16;
const F_END = 32;
const F_OTHER = 0;

/** Exact powers of ten (every one up to 1e22 is a double). */
const POW10 = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/** Most significant digits read exactly: every integer of 15 digits is below 2^53. */
const MAX_DIGITS = 15;

/** The value of the last number {@link readNumber} read (a typed array: a double in a module variable would be boxed). */
const numberValue = new Float64Array(1);
/** The value of the last literal {@link readLiteral} read: 1 true, 0 false, -1 null. */
let literalValue = 0;

/**
 * Reads a tick from `bytes` into `out`. True when the bytes are a valid tick in the plain form
 * above and `out` holds exactly the event decodeEvent's full path returns for them; false when
 * undecided (`out` is then partly written). `maxTs` is the latest accepted ts (already at most
 * MAX_EVENT_TS); `messageKey` as in decodeEvent.
 */
export function scanTick(bytes: Uint8Array, messageKey: string | null | undefined, opts: DecodeOptions, maxTs: number, out: TickFields): boolean {
  return scanTickAt(bytes, 0, bytes.length, messageKey, opts, maxTs, out);
}

/**
 * {@link scanTick} of the bytes [start, end) of `bytes` (e.g. a record's value inside a fetched
 * record batch, read without a view of its own).
 */
export function scanTickAt(bytes: Uint8Array, start: number, stop: number, messageKey: string | null | undefined, opts: DecodeOptions, maxTs: number, out: TickFields): boolean {
  const n = stop;
  if (messageKey === null || stop - start > opts.maxBytes) return false;
  if (scanProducerLayout(bytes, start, n, messageKey, opts, maxTs, out)) return true;
  let i = skipSpace(bytes, start, n);
  if (i >= n || bytes[i] !== OPEN) return false;
  i = skipSpace(bytes, i + 1, n);
  let seen = 0;
  let keyStart = -1;
  let keyEnd = -1;
  let ts = 0;
  let price = 0;
  let volume = 0;
  let end = false;
  for (;;) {
    if (i >= n || bytes[i] !== QUOTE) return false;
    const nameEnd = stringEnd(bytes, i + 1, n);
    if (nameEnd < 0) return false;
    const field = fieldOf(bytes, i + 1, nameEnd);
    if ((seen & field) !== 0) return false;
    seen |= field;
    i = skipSpace(bytes, nameEnd + 1, n);
    if (i >= n || bytes[i] !== COLON) return false;
    i = skipSpace(bytes, i + 1, n);
    if (i >= n) return false;
    const c = bytes[i];
    if (field === F_SYMBOL || field === F_KEY) {
      if (c !== QUOTE) return false;
      keyStart = i + 1;
      keyEnd = stringEnd(bytes, keyStart, n);
      if (keyEnd < 0) return false;
      i = keyEnd + 1;
    } else if (field === F_TS || field === F_PRICE) {
      i = readNumber(bytes, i, n);
      if (i < 0) return false;
      if (field === F_TS) ts = numberValue[0];
      else price = numberValue[0];
    } else if (field === F_VOLUME) {
      // A null volume counts as none (0), as in the full path.
      i = c === 0x6e ? readLiteral(bytes, i, n) : readNumber(bytes, i, n);
      if (i < 0) return false;
      volume = c === 0x6e ? 0 : numberValue[0];
    } else if (field === F_END) {
      // `end` true or false; null counts as absent (false), as in the full path.
      i = readLiteral(bytes, i, n);
      if (i < 0) return false;
      end = literalValue === 1;
    } else {
      i = skipScalar(bytes, i, n);
      if (i < 0) return false;
    }
    i = skipSpace(bytes, i, n);
    if (i >= n) return false;
    if (bytes[i] === COMMA) {
      i = skipSpace(bytes, i + 1, n);
      continue;
    }
    if (bytes[i] !== CLOSE || skipSpace(bytes, i + 1, n) !== n) return false;
    break;
  }
  if ((seen & F_SYMBOL) !== 0 && (seen & F_KEY) !== 0) return false;
  if ((seen & (F_TS | F_PRICE)) !== (F_TS | F_PRICE)) return false;
  return accept(bytes, keyStart, keyEnd, ts, price, volume, end, messageKey, opts, maxTs, out);
}

/**
 * The layout producers write, `{"symbol":"<key>","ts":<n>,"price":<n>,"volume":<n>}` without
 * whitespace, matched by fixed byte runs instead of field by field: true only when the bytes are
 * exactly that (the key a plain string, the numbers of the exact form, the checks passed), which
 * the field-by-field scan would read to the same values; false hands the bytes over to it.
 */
function scanProducerLayout(b: Uint8Array, start: number, n: number, messageKey: string | undefined, opts: DecodeOptions, maxTs: number, out: TickFields): boolean {
  if (!layoutHeadAt(b, start, n)) return false;
  const keyStart = start + HEAD_BYTES;
  const keyEnd = stringEnd(b, keyStart, n);
  if (keyEnd < 0 || !layoutTsAt(b, keyEnd, n)) return false;
  let i = readNumber(b, keyEnd + TS_BYTES, n);
  if (i < 0 || !layoutPriceAt(b, i, n)) return false;
  const ts = numberValue[0];
  i = readNumber(b, i + PRICE_BYTES, n);
  if (i < 0 || !layoutVolumeAt(b, i, n)) return false;
  const price = numberValue[0];
  i = readNumber(b, i + VOLUME_BYTES, n);
  if (i !== n - 1 || b[i] !== CLOSE) return false;
  return accept(b, keyStart, keyEnd, ts, price, numberValue[0], false, messageKey, opts, maxTs, out);
}

// The layout's fixed runs, each compared byte by byte against constants (no loop, no table). A
// wrong constant would only send the layout to the field-by-field scan, which reads it the same.
/** Bytes of `{"symbol":"`, `","ts":`, `,"price":` and `,"volume":`. */
const HEAD_BYTES = 11;
const TS_BYTES = 7;
const PRICE_BYTES = 9;
const VOLUME_BYTES = 10;

/** `{"symbol":"` at i. */
function layoutHeadAt(b: Uint8Array, i: number, n: number): boolean {
  return (
    i + HEAD_BYTES <= n &&
    b[i] === 0x7b && b[i + 1] === 0x22 && b[i + 2] === 0x73 && b[i + 3] === 0x79 && b[i + 4] === 0x6d && b[i + 5] === 0x62 &&
    b[i + 6] === 0x6f && b[i + 7] === 0x6c && b[i + 8] === 0x22 && b[i + 9] === 0x3a && b[i + 10] === 0x22
  );
}

/** `","ts":` at i. */
function layoutTsAt(b: Uint8Array, i: number, n: number): boolean {
  return i + TS_BYTES <= n && b[i] === 0x22 && b[i + 1] === 0x2c && b[i + 2] === 0x22 && b[i + 3] === 0x74 && b[i + 4] === 0x73 && b[i + 5] === 0x22 && b[i + 6] === 0x3a;
}

/** `,"price":` at i. */
function layoutPriceAt(b: Uint8Array, i: number, n: number): boolean {
  return (
    i + PRICE_BYTES <= n &&
    b[i] === 0x2c && b[i + 1] === 0x22 && b[i + 2] === 0x70 && b[i + 3] === 0x72 && b[i + 4] === 0x69 && b[i + 5] === 0x63 &&
    b[i + 6] === 0x65 && b[i + 7] === 0x22 && b[i + 8] === 0x3a
  );
}

/** `,"volume":` at i. */
function layoutVolumeAt(b: Uint8Array, i: number, n: number): boolean {
  return (
    i + VOLUME_BYTES <= n &&
    b[i] === 0x2c && b[i + 1] === 0x22 && b[i + 2] === 0x76 && b[i + 3] === 0x6f && b[i + 4] === 0x6c && b[i + 5] === 0x75 &&
    b[i + 6] === 0x6d && b[i + 7] === 0x65 && b[i + 8] === 0x22 && b[i + 9] === 0x3a
  );
}

/**
 * The checks of the full path on a tick's fields (numbers known to be finite; the key at bytes
 * [keyStart, keyEnd), or none when keyStart is -1); writes `out` and returns true when they pass.
 */
function accept(
  bytes: Uint8Array,
  keyStart: number,
  keyEnd: number,
  ts: number,
  price: number,
  volume: number,
  end: boolean,
  messageKey: string | undefined,
  opts: DecodeOptions,
  maxTs: number,
  out: TickFields,
): boolean {
  if (ts < 0 || ts > maxTs) return false;
  if (!(price > 0) || Math.abs(price) > opts.maxAbsValue) return false;
  if (volume < 0 || Math.abs(volume) > opts.maxAbsValue) return false;
  let key: string;
  if (keyStart < 0) {
    if (messageKey === undefined) return false;
    key = messageKey;
  } else if (keyEnd === keyStart) {
    return false;
  } else if (messageKey !== undefined) {
    if (!asciiEquals(bytes, keyStart, keyEnd, messageKey)) return false;
    key = messageKey;
  } else {
    key = asciiText(bytes, keyStart, keyEnd);
  }
  if (key.length > opts.maxKeyLength) return false;
  out.key = key;
  out.ts = ts;
  out.price = price;
  out.volume = volume;
  out.end = end;
  return true;
}

function skipSpace(b: Uint8Array, i: number, n: number): number {
  while (i < n) {
    const c = b[i];
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    i++;
  }
  return i;
}

/**
 * Index of the closing quote of a string whose content starts at `i`; -1 when the string is
 * not plain: unterminated, an escape, a control character (invalid JSON) or a non-ASCII byte.
 */
function stringEnd(b: Uint8Array, i: number, n: number): number {
  for (; i < n; i++) {
    const c = b[i];
    if (c === QUOTE) return i;
    if (c < 0x20 || c === BACKSLASH || c >= 0x80) return -1;
  }
  return -1;
}

/** Which tick field the name bytes [start, end) are; F_OTHER for any other name. */
function fieldOf(b: Uint8Array, start: number, end: number): number {
  const len = end - start;
  const c = b[start];
  if (len === 2 && c === 0x74 && b[start + 1] === 0x73) return F_TS;
  if (len === 5 && c === 0x70 && matches(b, start, 'price')) return F_PRICE;
  if (len === 6 && c === 0x73 && matches(b, start, 'symbol')) return F_SYMBOL;
  if (len === 6 && c === 0x76 && matches(b, start, 'volume')) return F_VOLUME;
  if (len === 3 && c === 0x6b && matches(b, start, 'key')) return F_KEY;
  if (len === 3 && c === 0x65 && matches(b, start, 'end')) return F_END;
  return F_OTHER;
}

function matches(b: Uint8Array, start: number, name: string): boolean {
  for (let j = 1; j < name.length; j++) if (b[start + j] !== name.charCodeAt(j)) return false;
  return true;
}

function asciiEquals(b: Uint8Array, start: number, end: number, text: string): boolean {
  if (text.length !== end - start) return false;
  for (let j = 0; j < text.length; j++) if (b[start + j] !== text.charCodeAt(j)) return false;
  return true;
}

function asciiText(b: Uint8Array, start: number, end: number): string {
  return Buffer.from(b.buffer, b.byteOffset + start, end - start).toString('latin1');
}

/**
 * Reads a JSON number at `i` into `numberValue[0]`; the index after it, or -1 when it is not
 * a JSON number or not of the exact form (see the file comment). The caller checks what follows.
 */
function readNumber(b: Uint8Array, i: number, n: number): number {
  const negative = b[i] === MINUS;
  if (negative) i++;
  if (i >= n) return -1;
  let c = b[i];
  let m = 0;
  let digits = 0;
  if (c === ZERO) {
    i++;
    // JSON allows no leading zero: "01" is not a number.
    if (i < n && b[i] >= ZERO && b[i] <= NINE) return -1;
  } else if (c > ZERO && c <= NINE) {
    while (i < n && (c = b[i]) >= ZERO && c <= NINE) {
      m = m * 10 + (c - ZERO);
      digits++;
      i++;
    }
  } else {
    return -1;
  }
  let exponent = 0;
  if (i < n && b[i] === DOT) {
    const start = ++i;
    while (i < n && (c = b[i]) >= ZERO && c <= NINE) {
      m = m * 10 + (c - ZERO);
      if (m !== 0) digits++;
      exponent--;
      i++;
    }
    if (i === start) return -1;
  }
  if (i < n && (b[i] === 0x65 || b[i] === 0x45)) {
    i++;
    const negativeExponent = i < n && b[i] === MINUS;
    if (i < n && (b[i] === MINUS || b[i] === PLUS)) i++;
    const start = i;
    let e = 0;
    while (i < n && (c = b[i]) >= ZERO && c <= NINE) {
      if (e < 1000) e = e * 10 + (c - ZERO);
      i++;
    }
    if (i === start) return -1;
    exponent += negativeExponent ? -e : e;
  }
  if (digits > MAX_DIGITS) return -1;
  let value: number;
  if (m === 0) value = 0;
  else if (exponent < -22 || exponent > 22) return -1;
  else value = exponent < 0 ? m / POW10[-exponent] : m * POW10[exponent];
  numberValue[0] = negative ? -value : value;
  return i;
}

/** Reads `true`, `false` or `null` at `i` into {@link literalValue}; the index after it, or -1. */
function readLiteral(b: Uint8Array, i: number, n: number): number {
  const c = b[i];
  if (c === 0x74 && i + 4 <= n && b[i + 1] === 0x72 && b[i + 2] === 0x75 && b[i + 3] === 0x65) {
    literalValue = 1;
    return i + 4;
  }
  if (c === 0x66 && i + 5 <= n && b[i + 1] === 0x61 && b[i + 2] === 0x6c && b[i + 3] === 0x73 && b[i + 4] === 0x65) {
    literalValue = 0;
    return i + 5;
  }
  if (c === 0x6e && i + 4 <= n && b[i + 1] === 0x75 && b[i + 2] === 0x6c && b[i + 3] === 0x6c) {
    literalValue = -1;
    return i + 4;
  }
  return -1;
}

/** Skips the scalar value of a field the tick does not read; -1 when it is not a plain scalar. */
function skipScalar(b: Uint8Array, i: number, n: number): number {
  const c = b[i];
  if (c === QUOTE) {
    const close = stringEnd(b, i + 1, n);
    return close < 0 ? -1 : close + 1;
  }
  if (c === MINUS || (c >= ZERO && c <= NINE)) return readNumber(b, i, n);
  return readLiteral(b, i, n);
}
