/**
 * Baselines evaluated on the same steps as the model (a validation or test part). Each predicts
 * step t's target from what is known at t: the key's targets of EARLIER steps (for tick targets
 * the target of step t-1 is the current return, known at t) and the step's own inputs. Every
 * parameter is fitted on the training steps only.
 *
 *   regression   zero                 0
 *                train_mean           mean of the training targets
 *                last_value           the key's previous target (next_logret: the current log
 *                                     return; next_abs_logret: the current absolute return); the
 *                                     training mean before the key's first target
 *                linear_ls            least squares on the model's inputs x_t (normalised, as
 *                                     the model sees them) and an intercept
 *   volatility forecasts only (next_abs_logret: reported as sqrt(2/pi) sigma_{t+1}, the expected
 *   absolute return of a normal variable; a variance model or next_sq_logret: sigma^2_{t+1}
 *   itself, against the proxy r^2, and without `zero`, which has no QLIKE):
 *                ewma_variance        RiskMetrics: s2 <- lambda s2 + (1 - lambda) r_t^2, lambda =
 *                                     1 - alpha (0.94 by default), from the training mean of r^2
 *                garch11_mle          GARCH(1,1) fitted by maximum likelihood on the training
 *                                     returns of all keys (garch11.ts); each key starts at the
 *                                     unconditional variance
 *   classes      majority_class       the most frequent training class; probabilities = training
 *                                     class frequencies with add-one smoothing (cross-entropy)
 *                last_class           the key's previous class (no probabilities)
 */
import { ClassAccumulator, RegressionAccumulator, type ClassMetrics, type QlikeMode, type RegressionMetrics } from './baseline-metrics.js';
import { splitPart, type KeySeries } from './dataset-key-series.js';
import { fitGarch11, type Garch11Fit } from './garch11.js';
import { LinearLeastSquares, linearPredict } from './linear-least-squares.js';
import type { TargetShape } from './target-values.js';

export { DEFAULT_EWMA_ALPHA } from '../runtime/outcome-memory.js';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** What the regression baselines learnt from the training steps. */
export interface RegressionBaselineFit {
  readonly width: number;
  readonly inputSize: number;
  readonly trainMean: Float64Array;
  /** Least-squares coefficients (width x (inputSize + 1), intercept last). */
  readonly linear: Float64Array;
  /** Which QLIKE the metrics add: the targets are |r| (abs_return), r^2 (variance), or neither. */
  readonly mode: QlikeMode;
  /** Volatility targets: training mean of r^2 (EWMA start), GARCH fit and EWMA weight. */
  readonly volatility?: { readonly meanSquare: number; readonly garch: Garch11Fit; readonly alpha: number };
}

/** r^2 from a target value: |r| squared, or r^2 itself. */
function squaredReturn(y: number, mode: QlikeMode): number {
  return mode === 'variance' ? y : y * y;
}

/**
 * Fits the regression baselines on the training steps (trainMask) of every key. `mode` says
 * whether the targets are volatility forecasts (qlikeMode): then the variance baselines are fitted too.
 */
export function fitRegressionBaselines(
  series: readonly KeySeries[],
  shape: TargetShape,
  inputSize: number,
  trainMean: readonly number[],
  alpha: number,
  mode: QlikeMode = 'none',
): RegressionBaselineFit {
  const width = shape.width;
  const ls = new LinearLeastSquares(inputSize, width);
  let sq = 0;
  let n = 0;
  const returns: Float64Array[] = [];
  for (const s of series) {
    const r: number[] = [];
    for (let t = 0; t < s.cut; t++) {
      if (!s.trainMask[t]) continue;
      ls.add(s.inputs, t * inputSize, s.targets, t * width);
      const r2 = squaredReturn(s.targets[t * width], mode);
      sq += r2;
      n++;
      r.push(Math.sqrt(r2));
    }
    returns.push(Float64Array.from(r));
  }
  const fit = { width, inputSize, trainMean: Float64Array.from(trainMean), linear: ls.solve(), mode };
  if (mode === 'none' || width !== 1) return fit;
  return { ...fit, volatility: { meanSquare: n > 0 ? sq / n : 0, garch: fitGarch11(returns), alpha } };
}

/** The regression baselines' metrics on the scored steps of `which` part. */
export function regressionBaselines(series: readonly KeySeries[], fit: RegressionBaselineFit, which: 'validation' | 'test'): Record<string, RegressionMetrics> {
  const { width, inputSize, trainMean, volatility, mode } = fit;
  const make = () => new RegressionAccumulator(mode);
  const acc: Record<string, RegressionAccumulator> = {
    ...(mode === 'variance' ? {} : { zero: make() }),
    train_mean: make(),
    last_value: make(),
    linear_ls: make(),
  };
  if (volatility) {
    acc.ewma_variance = make();
    acc.garch11_mle = make();
  }
  // A variance forecast is reported as sigma^2; an absolute-return forecast as sqrt(2/pi) sigma.
  const report = (variance: number) => (mode === 'variance' ? variance : SQRT_2_OVER_PI * Math.sqrt(variance));
  const zero = new Float64Array(width);
  const linear = new Float64Array(width);
  const one = new Float64Array(1);
  const g = volatility?.garch;
  const unconditional = g && g.alpha + g.beta < 1 ? g.omega / (1 - g.alpha - g.beta) : (volatility?.meanSquare ?? 0);
  for (const s of series) {
    const { mask, hi } = splitPart(s, which);
    const last = Float64Array.from(trainMean);
    let ewma = volatility?.meanSquare ?? 0;
    let garch = unconditional;
    for (let t = 0; t < hi; t++) {
      const off = t * width;
      if (mask[t]) {
        acc.zero?.add(zero, 0, s.targets, off, width);
        acc.train_mean.add(trainMean, 0, s.targets, off, width);
        acc.last_value.add(last, 0, s.targets, off, width);
        linearPredict(fit.linear, inputSize, s.inputs, t * inputSize, linear, width);
        acc.linear_ls.add(linear, 0, s.targets, off, width);
        if (volatility) {
          one[0] = report(ewma);
          acc.ewma_variance.add(one, 0, s.targets, off, 1);
          one[0] = report(garch);
          acc.garch11_mle.add(one, 0, s.targets, off, 1);
        }
      }
      if (!s.hasTarget[t]) continue;
      for (let i = 0; i < width; i++) last[i] = s.targets[off + i];
      if (volatility && g) {
        // Step t's target is |r_{t+1}| (or its square): once known (at t+1), it updates the forecasts.
        const r2 = squaredReturn(s.targets[off], mode);
        ewma = (1 - volatility.alpha) * ewma + volatility.alpha * r2;
        garch = g.omega + g.alpha * r2 + g.beta * garch;
      }
    }
  }
  return Object.fromEntries(Object.entries(acc).map(([name, a]) => [name, a.result()]));
}

/** Class baselines on the scored steps of `which` part; `classes` is the number of classes. */
export function classBaselines(series: readonly KeySeries[], classes: number, which: 'validation' | 'test' = 'validation'): Record<string, ClassMetrics> {
  const counts = new Float64Array(classes);
  let total = 0;
  for (const s of series) {
    for (let t = 0; t < s.events.length; t++) {
      if (!s.trainMask[t]) continue;
      counts[s.targets[t]]++;
      total++;
    }
  }
  let majority = 0;
  for (let k = 1; k < classes; k++) if (counts[k] > counts[majority]) majority = k;
  const logPrior = Array.from(counts, (c) => Math.log((c + 1) / (total + classes)));
  const acc = { majority_class: new ClassAccumulator(true), last_class: new ClassAccumulator(false) };
  for (const s of series) {
    const { mask, hi } = splitPart(s, which);
    let last = majority;
    for (let t = 0; t < hi; t++) {
      const y = s.targets[t];
      if (mask[t]) {
        acc.majority_class.add(majority, y, logPrior[y]);
        acc.last_class.add(last, y);
      }
      if (s.hasTarget[t]) last = y;
    }
  }
  return { majority_class: acc.majority_class.result(), last_class: acc.last_class.result() };
}
