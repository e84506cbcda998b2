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
  private readonly afterKey: string;
  private readonly mid: string;
  /** `mid` as UTF-8 bytes, for {@link encodeBody}. */
  private readonly midBytes: Buffer;
  /** Names and class fields as UTF-8 bytes, for {@link encodeBody}. */
  private readonly nameBytes: readonly Buffer[];
  private readonly classBytes: readonly Buffer[] | null;
  private readonly spec: ModelManifest['output'];
  private readonly values: Float64Array;
  /** Decoded as an object: JSON names in JavaScript's key order and the index each one shows. */
  private readonly names: readonly string[] | null;
  private readonly nameIndex: Int32Array;

  /** Softmax heads: `,"class":<name or index>` of each output, prepared once; null otherwise. */
  private readonly classNames: readonly string[] | null;

  constructor(manifest: ModelManifest, modelVersion: string) {
    this.afterKey = `,"ts":`;
    this.mid = `,"model":${JSON.stringify(manifest.name)},"modelVersion":${JSON.stringify(modelVersion)},"step":`;
    this.midBytes = Buffer.from(this.mid, 'utf8');
    const spec = manifest.output;
    this.spec = spec;
    this.values = new Float64Array(manifest.outputSize);
    this.classNames =
      spec?.decode === 'softmax' ? Array.from({ length: manifest.outputSize }, (_, i) => `,"class":${JSON.stringify(spec.names?.[i] ?? i)}`) : null;
    if (spec?.names) {
      // The object decodeOutput builds, with indices for values: JavaScript orders integer-like
      // keys first, keeps a repeated name at its first place with the last value, and ignores
      // `__proto__` set to a number. Replaying the same assignments gives the same order.
      const template: Record<string, number> = {};
      spec.names.forEach((name, i) => (template[name] = i));
      const keys = Object.keys(template);
      this.names = keys.map((k) => `${JSON.stringify(k)}:`);
      this.nameIndex = Int32Array.from(keys, (k) => template[k]);
    } else {
      this.names = null;
      this.nameIndex = new Int32Array(0);
    }
    this.nameBytes = (this.names ?? []).map((n) => Buffer.from(n, 'utf8'));
    this.classBytes = this.classNames === null ? null : this.classNames.map((c) => Buffer.from(c, 'utf8'));
  }

  /**
   * The most bytes {@link encodeBody} writes for a key of `keyLength` UTF-16 units: every
   * number at most 25 characters (JSON.stringify's longest, e.g. -1.2345678901234567e-308), a
   * character of the key at most 6 bytes (a \u escape).
   */
  maxBodyBytes(keyLength: number): number {
    const numbers = 2 + 2 * this.values.length + 1;
    let names = 0;
    for (const n of this.nameBytes) names += n.length + 1;
    let classes = 0;
    for (const c of this.classBytes ?? []) classes = Math.max(classes, c.length);
    return 64 + this.midBytes.length + 6 * keyLength + 25 * numbers + names + classes;
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
    at = ascii(target, at, this.afterKey);
    at = ascii(target, at, num(ts));
    at = copy(target, at, this.midBytes);
    at = ascii(target, at, num(step));
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
    if (this.names === null) {
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
   */
  write(key: string, ts: number, step: number, out: Float32Array, tail: string): string {
    let s = `{"key":${JSON.stringify(key)}${this.afterKey}${num(ts)}${this.mid}${num(step)},"output":[`;
    for (let i = 0; i < out.length; i++) s += i === 0 ? num(out[i]) : `,${num(out[i])}`;
    s += ']';
    if (this.spec !== undefined) {
      s += `,"decoded":${this.decoded(this.spec, out)}`;
      if (this.classNames !== null) s += this.topClass();
    }
    return `${s}${tail}}`;
  }

  /** `,"class":...,"probability":...` of the values {@link decoded} just wrote (topClass's rule: the first maximum). */
  private topClass(): string {
    const values = this.values;
    const n = this.classNames!.length;
    let best = 0;
    for (let i = 1; i < n; i++) if (values[i] > values[best]) best = i;
    return `${this.classNames![best]},"probability":${num(values[best])}`;
  }

  /** The decoded form: decodeOutput's values (the same decodeValues), written as its object or array. */
  private decoded(spec: NonNullable<ModelManifest['output']>, out: Float32Array): string {
    const values = this.values;
    decodeValues(spec, out, values);
    let s: string;
    if (this.names === null) {
      s = '[';
      for (let i = 0; i < out.length; i++) s += i === 0 ? num(values[i]) : `,${num(values[i])}`;
      return `${s}]`;
    }
    s = '{';
    for (let i = 0; i < this.names.length; i++) s += `${i === 0 ? '' : ','}${this.names[i]}${num(values[this.nameIndex[i]])}`;
    return `${s}}`;
  }
}

/** A number as JSON.stringify writes it. */
function num(x: number): string {
  return Number.isFinite(x) ? `${x}` : 'null';
}

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
function copy(target: Buffer, at: number, bytes: Buffer): number {
  for (let i = 0; i < bytes.length; i++) target[at + i] = bytes[i];
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
