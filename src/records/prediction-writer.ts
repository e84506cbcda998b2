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
