import type { ModelManifest } from '../model/manifest.js';

/** Where an event came from, so consumers can de-duplicate repeated predictions. */
export interface EventSource {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/** The prediction event published for every valid input event (docs/architecture.md, Contracts). */
export interface Prediction {
  readonly key: string;
  readonly ts: number;
  readonly model: string;
  readonly modelVersion: string;
  /** 1-based count of this key's events, this one included. */
  readonly step: number;
  /** The head's output vector, as float32 values. */
  readonly output: number[];
  /** The output read as the manifest says: named, de-standardised, or softmax probabilities. */
  readonly decoded?: Record<string, number> | number[];
  /** Classifier heads (softmax): the most probable class, by its name in `output.names`, else its index. */
  readonly class?: string | number;
  /** Classifier heads: the probability of {@link class}. */
  readonly probability?: number;
  readonly source?: EventSource;
}

/**
 * Reads the head output as the manifest's `output` section says: softmax when `decode` is
 * `softmax`, `exp(out) * std + mean` (a variance) when it is `log_variance`, else
 * `out * std + mean`; keyed by `names` when given. Undefined when the manifest
 * says nothing beyond the raw output.
 */
export function decodeOutput(manifest: ModelManifest, out: Float32Array): Record<string, number> | number[] | undefined {
  const spec = manifest.output;
  if (!spec) return undefined;
  const values: number[] = new Array<number>(out.length);
  decodeValues(spec, out, values);
  if (!spec.names) return values;
  const named: Record<string, number> = {};
  spec.names.forEach((name, i) => (named[name] = values[i]));
  return named;
}

/**
 * The decoded values of `out`, written into `values` (at least `out.length` long; the prediction
 * writer passes a reused Float64Array): softmax probabilities, or each output through
 * {@link decodeRegression}.
 */
export function decodeValues(spec: NonNullable<ModelManifest['output']>, out: Float32Array, values: { [i: number]: number }): void {
  if (spec.decode === 'softmax') {
    let max = -Infinity;
    for (let i = 0; i < out.length; i++) max = Math.max(max, out[i]);
    let sum = 0;
    for (let i = 0; i < out.length; i++) sum += values[i] = Math.exp(out[i] - max);
    for (let i = 0; i < out.length; i++) values[i] /= sum;
  } else {
    for (let i = 0; i < out.length; i++) values[i] = decodeRegression(spec, out[i], i);
  }
}

/** Output `i` of a regression head read as `spec` says (identity or log_variance; see decodeOutput). */
export function decodeRegression(spec: NonNullable<ModelManifest['output']>, value: number, i: number): number {
  const v = spec.decode === 'log_variance' ? Math.exp(value) : value;
  return v * (spec.std?.[i] ?? 1) + (spec.mean?.[i] ?? 0);
}

/** Builds the prediction for `event` from the head output `out` (copied; `out` may be reused). */
export function buildPrediction(
  manifest: ModelManifest,
  modelVersion: string,
  event: { readonly key: string; readonly ts: number },
  step: number,
  out: Float32Array,
  source?: EventSource,
): Prediction {
  const decoded = decodeOutput(manifest, out);
  const spec = manifest.output;
  let top: ReturnType<typeof topClass> | undefined;
  if (spec?.decode === 'softmax') {
    // In output order (a named `decoded` object orders integer-like names first).
    const p: number[] = new Array<number>(out.length);
    decodeValues(spec, out, p);
    top = topClass(spec, p);
  }
  return {
    key: event.key,
    ts: event.ts,
    model: manifest.name,
    modelVersion,
    step,
    output: Array.from(out),
    ...(decoded === undefined ? {} : { decoded }),
    ...(top === undefined ? {} : top),
    ...(source === undefined ? {} : { source }),
  };
}

/**
 * The most probable class of softmax probabilities `p` (in output order; the first on a tie):
 * its name in `spec.names` (the index when there are none) and its probability.
 */
export function topClass(spec: Pick<NonNullable<ModelManifest['output']>, 'names'>, p: ArrayLike<number>): { class: string | number; probability: number } {
  let best = 0;
  for (let i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
  return { class: spec.names?.[best] ?? best, probability: p[best] };
}
