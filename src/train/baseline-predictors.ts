/**
 * Naive baselines evaluated on the same validation steps as the model. Each predicts step t's
 * target from the key's targets of EARLIER steps only (for tick targets the target of step t-1
 * is the current return, known at t):
 *
 *   regression   zero        0
 *                train_mean  mean of the training targets
 *                last_value  the key's previous target (next_logret: the current log return;
 *                            next_abs_logret: the current absolute return); the training mean
 *                            before the key's first target
 *                ewma        e <- e + alpha * (y - e) over the key's previous targets, starting
 *                            at the training mean (alpha = {@link DEFAULT_EWMA_ALPHA} by default)
 *   variance     the same on the proxy r² (a variance loss), without zero: the training mean
 *                variance, the last squared return, and an EWMA of squared returns (RiskMetrics)
 *   classes      majority    the most frequent training class; probabilities = training class
 *                            frequencies with add-one smoothing (for the cross-entropy)
 *                last_class  the key's previous class (no probabilities)
 */
import type { KeySeries } from './dataset-key-series.js';
import { ClassAccumulator, RegressionAccumulator, type ClassMetrics, type RegressionMetrics } from './baseline-metrics.js';

/** RiskMetrics' daily decay (lambda 0.94), as a smoothing weight. */
export const DEFAULT_EWMA_ALPHA = 0.06;

/** Regression baselines on the validation steps (valMask), targets in raw units. */
export function regressionBaselines(
  series: readonly KeySeries[],
  width: number,
  trainMean: readonly number[],
  alpha: number,
  variance = false,
): Record<string, RegressionMetrics> {
  const make = () => new RegressionAccumulator(variance);
  const acc = { zero: make(), train_mean: make(), last_value: make(), ewma: make() };
  const zero = new Float64Array(width);
  const mean = Float64Array.from(trainMean);
  for (const s of series) {
    const last = Float64Array.from(mean);
    const ewma = Float64Array.from(mean);
    for (let t = 0; t < s.events.length; t++) {
      const off = t * width;
      if (s.valMask[t]) {
        acc.zero.add(zero, 0, s.targets, off, width);
        acc.train_mean.add(mean, 0, s.targets, off, width);
        acc.last_value.add(last, 0, s.targets, off, width);
        acc.ewma.add(ewma, 0, s.targets, off, width);
      }
      if (!s.hasTarget[t]) continue;
      for (let i = 0; i < width; i++) {
        last[i] = s.targets[off + i];
        ewma[i] += alpha * (last[i] - ewma[i]);
      }
    }
  }
  const rest = { train_mean: acc.train_mean.result(), last_value: acc.last_value.result(), ewma: acc.ewma.result() };
  // A zero variance forecast has no QLIKE; the other baselines are the classic ones on r².
  return variance ? rest : { zero: acc.zero.result(), ...rest };
}

/** Class baselines on the validation steps (valMask); `classes` is the number of classes. */
export function classBaselines(series: readonly KeySeries[], classes: number): Record<string, ClassMetrics> {
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
  const acc = { majority: new ClassAccumulator(true), last_class: new ClassAccumulator(false) };
  for (const s of series) {
    let last = majority;
    for (let t = 0; t < s.events.length; t++) {
      const y = s.targets[t];
      if (s.valMask[t]) {
        acc.majority.add(majority, y, logPrior[y]);
        acc.last_class.add(last, y);
      }
      if (s.hasTarget[t]) last = y;
    }
  }
  return { majority: acc.majority.result(), last_class: acc.last_class.result() };
}
