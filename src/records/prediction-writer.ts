import type { ModelManifest } from '../model/manifest.js';
import { decodeValues } from './prediction.js';

/**
 * Writes prediction JSON for one model without building an object per event: the constant
 * parts (model name and version, field names, the order of the decoded names) are prepared once,
 * numbers are written as JSON.stringify writes them (ECMAScript Number::toString; a non-finite
 * value as `null`), so the text equals `JSON.stringify(buildPrediction(...))` byte for byte,
 * `decoded` included (same arithmetic, same key order, even for integer-like or repeated names).
 *
 * Field order: key, ts, model, modelVersion, step, output, [decoded], [class, probability] (softmax
 * heads), then the caller's tail
 * (`source` in the stream, `line` in the backtest), closed by `}`.
 */
export class PredictionWriter {
  /** `,"model":...,"modelVersion":...,"step":` as UTF-8, prepared once. */
  private readonly midBytes: Buffer;
  private readonly spec: ModelManifest['output'];
  private readonly values: Float64Array;
  /**
   * Decoded as an object: `"name":` of each JSON name in JavaScript's key order, as UTF-8, and
   * the index each one shows; null when decoded is an array.
   */
  private readonly nameBytes: readonly Buffer[] | null;
  private readonly nameIndex: Int32Array;
  /** Softmax heads: `,"class":<name or index>` of each output as UTF-8, prepared once; null otherwise. */
  private readonly classBytes: readonly Buffer[] | null;
  /** Scratch of {@link write}, grown when a prediction needs more. */
  private text = Buffer.alloc(0);
  /** {@link maxBodyBytes} without the key's part: it depends on the manifest only. */
  private readonly fixedBodyBytes: number;

  constructor(manifest: ModelManifest, modelVersion: string) {
    this.midBytes = Buffer.from(`,"model":${JSON.stringify(manifest.name)},"modelVersion":${JSON.stringify(modelVersion)},"step":`, 'utf8');
    const spec = manifest.output;
    this.spec = spec;
    this.values = new Float64Array(manifest.outputSize);
    this.classBytes =
      spec?.decode === 'softmax'
        ? Array.from({ length: manifest.outputSize }, (_, i) => Buffer.from(`,"class":${JSON.stringify(spec.names?.[i] ?? i)}`, 'utf8'))
        : null;
    if (spec?.names) {
      // The object decodeOutput builds, with indices for values: JavaScript orders integer-like
      // keys first, keeps a repeated name at its first place with the last value, and ignores
      // `__proto__` set to a number. Replaying the same assignments gives the same order.
      const template: Record<string, number> = {};
      spec.names.forEach((name, i) => (template[name] = i));
      const keys = Object.keys(template);
      this.nameBytes = keys.map((k) => Buffer.from(`${JSON.stringify(k)}:`, 'utf8'));
      this.nameIndex = Int32Array.from(keys, (k) => template[k]);
    } else {
      this.nameBytes = null;
      this.nameIndex = new Int32Array(0);
    }
    const numbers = 2 + 2 * this.values.length + 1;
    let names = 0;
    for (const n of this.nameBytes ?? []) names += n.length + 1;
    let classes = 0;
    for (const c of this.classBytes ?? []) classes = Math.max(classes, c.length);
    this.fixedBodyBytes = 64 + this.midBytes.length + 25 * numbers + names + classes;
  }

  /**
   * The most bytes {@link encodeBody} writes for a key of `keyLength` UTF-16 units: every
   * number at most 25 characters (JSON.stringify's longest, e.g. -1.2345678901234567e-308), a
   * character of the key at most 6 bytes (a \u escape).
   */
  maxBodyBytes(keyLength: number): number {
    return this.fixedBodyBytes + 6 * keyLength;
  }

  /**
   * Writes the prediction's JSON up to where {@link write}'s `tail` goes (the caller writes the
   * tail and the closing `}`) into `target` from `at`, and returns the position after it; the
   * bytes are those of {@link write}'s text in UTF-8. Needs {@link maxBodyBytes} of room. Builds
   * no string but the numbers' own (and the key's JSON form when it has characters to escape).
   */
  encodeBody(target: Buffer, at: number, key: string, ts: number, step: number, out: Float32Array): number {
    at = ascii(target, at, '{"key":');
    at = jsonString(target, at, key);
    at = ascii(target, at, ',"ts":');
    at = writeNumber(target, at, ts);
    at = copy(target, at, this.midBytes);
    at = writeNumber(target, at, step);
    at = ascii(target, at, ',"output":[');
    for (let i = 0; i < out.length; i++) {
      if (i > 0) target[at++] = COMMA;
      at = ascii(target, at, num(out[i]));
    }
    target[at++] = CLOSE_BRACKET;
    const spec = this.spec;
    if (spec === undefined) return at;
    at = ascii(target, at, ',"decoded":');
    const values = this.values;
    decodeValues(spec, out, values);
    if (this.nameBytes === null) {
      target[at++] = OPEN_BRACKET;
      for (let i = 0; i < out.length; i++) {
        if (i > 0) target[at++] = COMMA;
        at = ascii(target, at, num(values[i]));
      }
      target[at++] = CLOSE_BRACKET;
    } else {
      target[at++] = OPEN_BRACE;
      for (let i = 0; i < this.nameBytes.length; i++) {
        if (i > 0) target[at++] = COMMA;
        at = copy(target, at, this.nameBytes[i]);
        at = ascii(target, at, num(values[this.nameIndex[i]]));
      }
      target[at++] = CLOSE_BRACE;
    }
    if (this.classBytes !== null) {
      const n = this.classBytes.length;
      let best = 0;
      for (let i = 1; i < n; i++) if (values[i] > values[best]) best = i;
      at = copy(target, at, this.classBytes[best]);
      at = ascii(target, at, ',"probability":');
      at = ascii(target, at, num(values[best]));
    }
    return at;
  }

  /**
   * The prediction's JSON text. `out` is the head output (read, not kept); `tail` is written
   * after `decoded` and must start with `,` (e.g. `,"line":7`); the closing `}` is added.
   * The same bytes as {@link encodeBody} (it writes them), as a string.
   */
  write(key: string, ts: number, step: number, out: Float32Array, tail: string): string {
    const room = this.maxBodyBytes(key.length) + 3 * tail.length + 1;
    if (this.text.length < room) this.text = Buffer.allocUnsafe(Math.max(room, 2 * this.text.length));
    let at = this.encodeBody(this.text, 0, key, ts, step, out);
    at += this.text.write(tail, at, 'utf8');
    this.text[at++] = CLOSE_BRACE;
    return this.text.toString('utf8', 0, at);
  }
}

/** A number as JSON.stringify writes it. */
function num(x: number): string {
  return Number.isFinite(x) ? `${x}` : 'null';
}

/**
 * Writes `x` as JSON.stringify writes it; returns the position after it. A safe integer (every
 * ts in epoch ms and every step count) is written digit by digit, which is its Number::toString
 * (plain decimal below 1e21, `0` for -0), without a string; anything else goes through {@link num}.
 */
export function writeNumber(target: Buffer, at: number, x: number): number {
  if (!Number.isSafeInteger(x)) return ascii(target, at, num(x));
  if (x < 0) {
    target[at++] = MINUS;
    x = -x;
  }
  if (x < E8) return writeDigits(target, at, x, 0);
  // Two int32 halves (x < 2^53 < 1e16): the high digits, then the low eight zero-padded.
  let high = Math.floor(x / E8);
  let low = x - high * E8;
  if (low < 0) {
    high--;
    low += E8;
  } else if (low >= E8) {
    high++;
    low -= E8;
  }
  return writeDigits(target, writeDigits(target, at, high, 0), low, 8);
}

const E8 = 100_000_000;

/** Writes `v` (an integer 0 <= v < 2^31) in decimal, zero-padded to `width` digits; returns the position after it. */
function writeDigits(target: Buffer, at: number, v: number, width: number): number {
  let digits = 1;
  for (let p = 10; p <= v; p *= 10) digits++;
  if (digits < width) digits = width;
  const end = at + digits;
  for (let i = end - 1; i >= at; i--) {
    const q = (v / 10) | 0;
    target[i] = DIGIT_0 + (v - q * 10);
    v = q;
  }
  return end;
}

const MINUS = 0x2d;
const DIGIT_0 = 0x30;
const COMMA = 0x2c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Writes `text` (ASCII only) at `at`; returns the position after it. */
export function ascii(target: Buffer, at: number, text: string): number {
  for (let i = 0; i < text.length; i++) target[at + i] = text.charCodeAt(i);
  return at + text.length;
}

/** Copies `bytes` to `at` (a loop: these are short); returns the position after them. */
export function copy(target: Buffer, at: number, bytes: Buffer): number {
  target.set(bytes, at);
  return at + bytes.length;
}

/**
 * Writes JSON.stringify(text) as UTF-8 at `at`; returns the position after it. Printable ASCII
 * without a quote or a backslash (every ticker symbol) is copied as is; anything else goes
 * through JSON.stringify (escapes, lone surrogates) and Buffer's UTF-8 encoder.
 */
export function jsonString(target: Buffer, at: number, text: string): number {
  const start = at;
  target[at++] = QUOTE;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === QUOTE || c === BACKSLASH) return start + target.write(JSON.stringify(text), start, 'utf8');
    target[at++] = c;
  }
  target[at++] = QUOTE;
  return at;
}
