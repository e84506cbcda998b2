/**
 * The trainer's reported predictions of a part (validation or test), made through the serving
 * path: the saved model loaded back from disk, run by ModelRuntime (float32, the same feature
 * transform and resets as backtest and the stream). Each key's state is warmed up by its earlier
 * events first, as the stream's would be, so the part continues where the previous one ended.
 */
import { buildPrediction, decodeRegression } from '../records/prediction.js';
import type { LoadedModel } from '../model/load-model.js';
import { ModelRuntime } from '../runtime/model-runtime.js';
import { ClassAccumulator, qlikeMode, RegressionAccumulator, type ClassMetrics, type RegressionMetrics } from './baseline-metrics.js';
import { splitPart, type KeySeries } from './dataset-key-series.js';
import { inputOrder } from './input-order.js';
import { predictionLine } from '../records/prediction-line.js';
import { LineFile } from './line-file.js';
import type { TargetShape } from './target-values.js';
import { isClassTarget } from './target-kind.js';

/** The model's metrics on a part's scored steps. */
export interface RuntimeValidation {
  /** Prediction lines written. */
  readonly lines: number;
  readonly metrics: RegressionMetrics | ClassMetrics;
  /** Decoded regression predictions (width per step) of every scored step, in series order; for QLIKE. */
  readonly scored: Float64Array;
}

/**
 * Runs every key through the loaded model and scores the steps of `which` part. `onLine` gets
 * one JSON line per event of the part, in input order (file line, or partition then offset),
 * byte-identical to the line `backtest` writes for that event. Events are visited in input order
 * across keys (a merge of the keys' events), so nothing is held per line.
 */
export function validateThroughRuntime(
  loaded: LoadedModel,
  series: readonly KeySeries[],
  shape: TargetShape,
  which: 'validation' | 'test' = 'validation',
  onLine: (line: string) => void = () => undefined,
): RuntimeValidation {
  const runtime = new ModelRuntime(loaded);
  const out = runtime.out;
  const classes = isClassTarget(shape.kind);
  const spec = loaded.manifest.output ?? { decode: 'identity' as const };
  const decoded = new Float64Array(out.length);
  const regression = new RegressionAccumulator(qlikeMode(shape.kind, spec.decode === 'log_variance'));
  const classAcc = new ClassAccumulator(true);
  const scored: number[] = [];
  let lines = 0;
  const states = series.map(() => runtime.newKeyState());
  const parts = series.map((s) => splitPart(s, which));
  for (const [k, t] of inputOrder(series, parts.map((p) => p.hi))) {
    const s = series[k];
    const state = states[k];
    const { mask, lo } = parts[k];
    const event = s.events.event(t);
    // Skipped as backtest skips it: no prediction, state unchanged.
    if (runtime.advance(state, event) === 'non_finite') continue;
    if (t < lo) continue;
    const p = buildPrediction(loaded.manifest, loaded.version, event, state.step, out);
    onLine(predictionLine(p, s.events.position(t)));
    lines++;
    if (!mask[t]) continue;
    if (classes) {
      classAcc.addLogits(out, 0, out.length, s.targets[t]);
      continue;
    }
    // What a consumer of the prediction reads.
    for (let i = 0; i < out.length; i++) decoded[i] = decodeRegression(spec, out[i], i);
    regression.add(decoded, 0, s.targets, t * shape.width, shape.width);
    for (let i = 0; i < out.length; i++) scored.push(decoded[i]);
  }
  return { lines, metrics: classes ? classAcc.result() : regression.result(), scored: Float64Array.from(scored) };
}

/**
 * {@link validateThroughRuntime} on the validation part, its lines written to `path` (created or
 * replaced): the `validation-predictions.jsonl` of a training run.
 */
export function writeValidationPredictions(loaded: LoadedModel, series: readonly KeySeries[], shape: TargetShape, path: string): RuntimeValidation {
  const file = new LineFile(path);
  try {
    return validateThroughRuntime(loaded, series, shape, 'validation', (l) => file.write(l));
  } finally {
    file.close();
  }
}
