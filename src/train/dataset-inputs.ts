/**
 * The model inputs of every key of a dataset and their normalisation, in one pass of the serving
 * feature transform over each key's events (instead of one pass for the statistics and one for
 * the normalised inputs, each computing every feature again).
 *
 * Bit for bit what the two passes give: the statistics are those of the float32 inputs the
 * unnormalised transform writes (each raw value rounded to float32, summed in key order, then
 * step order), and each input is `(raw - mean) / std` in float64 rounded to float32, the
 * arithmetic of createFeatureTransform (features/create-feature-transform.ts) with the same
 * statistics. Market inputs of ticks are computed by market-key-inputs.ts (the transform's
 * formulas, one pass per key without a call per step). tests/train/dataset-inputs.test.ts checks
 * both against the transform itself.
 */
import { createFeatureTransform } from '../features/create-feature-transform.js';
import { FEATURE_MEMORY_SIZE } from '../features/feature-memory.js';
import type { FeatureTransform } from '../features/feature-transform.js';
import { manifestSchema, MODEL_FORMAT, type FeatureSpec } from '../model/manifest.js';
import type { KeyEvents } from './key-events.js';
import { marketKeyInputs } from './market-key-inputs.js';
import { MIN_STD, type NormalisationStats } from './normalisation-stats.js';

/** One key's events and its training cut (statistics read the steps below it only). */
export interface KeyInputsSource {
  readonly events: KeyEvents;
  readonly cut: number;
  /** Where to write the key's inputs (T x inputSize); a new array when absent. */
  readonly inputs?: Float64Array;
}

/** Normalised inputs per key (T x inputSize, float32 values in float64) and the statistics. */
export interface DatasetInputs {
  readonly inputs: Float64Array[];
  readonly normalisation: NormalisationStats;
}

/** Builds the normalised inputs of every key, with the statistics of the training steps. */
export function datasetInputs(keys: readonly KeyInputsSource[], features: FeatureSpec, inputSize: number): DatasetInputs {
  const n = inputSize;
  const rawTransform = createFeatureTransform(featureManifest(features, n));
  const sum = new Float64Array(n);
  let count = 0;
  // Pass 1, the only one computing features: raw float64 inputs, and the sums of their float32
  // values over the training steps (in key order, then step order).
  const inputs = keys.map((k) => {
    const out = k.inputs ?? new Float64Array(k.events.length * n);
    // Ticks with market features: the same values from the same formulas, without the transform's per-event call.
    if (features.kind === 'market' && k.events.kind === 'tick') marketKeyInputs(k.events, features.inputs, out, k.cut, sum);
    else rawInputs(k.events, rawTransform, out, k.cut, sum);
    count += k.cut;
    return out;
  });
  const mean = Array.from(sum, (s) => (count > 0 ? s / count : 0));
  const sq = new Float64Array(n);
  keys.forEach((k, key) => {
    const x = inputs[key];
    for (let t = 0; t < k.cut; t++) for (let i = 0; i < n; i++) sq[i] += (Math.fround(x[t * n + i]) - mean[i]) ** 2;
  });
  const std = Array.from(sq, (s) => {
    const sd = count > 0 ? Math.sqrt(s / count) : 0;
    return sd < MIN_STD ? 1 : sd;
  });
  // The normalised transform's arithmetic, in place, with the statistics as its manifest holds
  // them (the parse refuses non-finite ones, as building that transform would).
  const stored = featureManifest(features, n, { mean, std }).normalisation!;
  const meanOf = Float64Array.from(stored.mean);
  const stdOf = Float64Array.from(stored.std);
  for (const x of inputs) {
    for (let j = 0; j < x.length; j += n) for (let i = 0; i < n; i++) x[j + i] = Math.fround((x[j + i] - meanOf[i]) / stdOf[i]);
  }
  return { inputs, normalisation: { mean, std } };
}

/**
 * Runs the unnormalised serving transform (mean 0, std 1: it writes `(raw - 0) / 1`, the raw
 * value exactly) over one key's events from a fresh memory into `out`, keeping each raw value in
 * float64 (its output row is a Float64Array, which the transform fills like any other array),
 * and adds the float32 value of every input of the steps below `cut` to `sum`.
 */
function rawInputs(events: KeyEvents, transform: FeatureTransform, out: Float64Array, cut: number, sum: Float64Array): void {
  const n = transform.inputSize;
  const T = events.length;
  const memory = new Float64Array(FEATURE_MEMORY_SIZE);
  const row = new Float64Array(n);
  const rowOut = row as unknown as Float32Array;
  // Ticks go through one reused event (rewritten per step; the transform keeps no reference).
  const tick = events.kind === 'tick' ? { kind: 'tick' as const, key: events.key, ts: 0, price: 0, volume: 0, end: false } : undefined;
  for (let t = 0; t < T; t++) {
    if (tick) {
      tick.ts = events.ts(t);
      tick.price = events.price(t);
      tick.volume = events.volume(t);
      tick.end = events.end(t);
    }
    transform.apply(tick ?? events.event(t), memory, rowOut);
    for (let i = 0; i < n; i++) out[t * n + i] = row[i];
    if (t < cut) for (let i = 0; i < n; i++) sum[i] += Math.fround(row[i]);
  }
}

/** A manifest carrying only what the feature transform reads (features, sizes, normalisation). */
export function featureManifest(features: FeatureSpec, inputSize: number, normalisation?: NormalisationStats) {
  return manifestSchema.parse({
    format: MODEL_FORMAT,
    name: 'features',
    cell: 'gru',
    inputSize,
    hiddenSize: 1,
    numLayers: 1,
    outputSize: 1,
    weights: 'none',
    features,
    normalisation,
  });
}
