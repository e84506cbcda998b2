/**
 * The trainer's reported validation predictions, made through the serving path: the saved
 * model loaded back from disk, run by ModelRuntime (float32, the same feature transform and
 * resets as backtest and the stream). Each key's state is warmed up by its training events
 * first, as the stream's would be, so the validation part continues where training ended.
 */
import { buildPrediction } from '../records/prediction.js';
import type { LoadedModel } from '../model/load-model.js';
import { ModelRuntime } from '../runtime/model-runtime.js';
import { ClassAccumulator, RegressionAccumulator, type ClassMetrics, type RegressionMetrics } from './baseline-metrics.js';
import type { KeySeries } from './dataset-key-series.js';
import type { TargetShape } from './target-values.js';
import { isClassTarget } from './target-kind.js';

/** Predictions of the validation events and the model's metrics on the scored ones. */
export interface RuntimeValidation {
  /**
   * One JSON line per validation event, in file order, byte-identical to the line `backtest`
   * writes for that event (`{...prediction, line}`).
   */
  readonly lines: readonly string[];
  readonly metrics: RegressionMetrics | ClassMetrics;
}

/** Runs every key through the loaded model and scores its validation steps (valMask). */
export function validateThroughRuntime(loaded: LoadedModel, series: readonly KeySeries[], shape: TargetShape): RuntimeValidation {
  const runtime = new ModelRuntime(loaded);
  const out = runtime.out;
  const classes = isClassTarget(shape.kind);
  const mean = loaded.manifest.output?.mean;
  const std = loaded.manifest.output?.std;
  const decoded = new Float64Array(out.length);
  const regression = new RegressionAccumulator();
  const classAcc = new ClassAccumulator(true);
  const found: { line: number; text: string }[] = [];
  for (const s of series) {
    const state = runtime.newKeyState();
    s.records.forEach((r, t) => {
      // Skipped as backtest skips it: no prediction, state unchanged.
      if (runtime.advance(state, r.event) === 'non_finite') return;
      if (t < s.cut) return;
      const p = buildPrediction(loaded.manifest, loaded.version, r.event, state.step, out);
      found.push({ line: r.line, text: JSON.stringify({ ...p, line: r.line }) });
      if (!s.valMask[t]) return;
      if (classes) {
        classAcc.addLogits(out, 0, out.length, s.targets[t]);
        return;
      }
      // The same arithmetic as decodeOutput: what a consumer of the prediction reads.
      for (let i = 0; i < out.length; i++) decoded[i] = out[i] * (std?.[i] ?? 1) + (mean?.[i] ?? 0);
      regression.add(decoded, 0, s.targets, t * shape.width, shape.width);
    });
  }
  found.sort((a, b) => a.line - b.line);
  return { lines: found.map((f) => f.text), metrics: classes ? classAcc.result() : regression.result() };
}
