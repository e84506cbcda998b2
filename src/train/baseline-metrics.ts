/**
 * The validation metrics reported for a model and its naive baselines: MSE and MAE in the
 * target's units for regression (averaged over steps and outputs), and for variance forecasts
 * also the mean QLIKE of the forecast σ² against the proxy r² (losses/qlike-loss.ts; a
 * forecast <= 0 is floored like the proxy); accuracy and mean cross-entropy (natural log) for
 * classes.
 */
import { qlike, QLIKE_PROXY_FLOOR } from './losses/qlike-loss.js';

/** Regression metrics over `n` scored steps. */
export interface RegressionMetrics {
  readonly mse: number;
  readonly mae: number;
  /** Variance forecasts only. */
  readonly qlike?: number;
  readonly n: number;
}

/** Classification metrics over `n` scored steps; crossEntropy is null for a predictor without probabilities. */
export interface ClassMetrics {
  readonly accuracy: number;
  readonly crossEntropy: number | null;
  readonly n: number;
}

/** Sums squared and absolute errors of predictions against targets. */
export class RegressionAccumulator {
  private sq = 0;
  private abs = 0;
  private steps = 0;
  private values = 0;
  private ql = 0;
  private readonly variance: boolean;

  /** `variance`: the predictions are variance forecasts and the targets variance proxies (adds QLIKE). */
  constructor(variance = false) {
    this.variance = variance;
  }

  /** Adds one step: `width` predictions from `pred[pOff..]` against `target[tOff..]`. */
  add(pred: ArrayLike<number>, pOff: number, target: ArrayLike<number>, tOff: number, width: number): void {
    for (let i = 0; i < width; i++) {
      const e = pred[pOff + i] - target[tOff + i];
      this.sq += e * e;
      this.abs += Math.abs(e);
      if (this.variance) this.ql += qlike(target[tOff + i], Math.max(pred[pOff + i], QLIKE_PROXY_FLOOR));
    }
    this.values += width;
    this.steps++;
  }

  /** The metrics so far (NaN when nothing was added). */
  result(): RegressionMetrics {
    const base = { mse: this.sq / this.values, mae: this.abs / this.values };
    return this.variance ? { ...base, qlike: this.ql / this.values, n: this.steps } : { ...base, n: this.steps };
  }
}

/** Counts hits and sums -ln p(target) of class predictions. */
export class ClassAccumulator {
  private hits = 0;
  private nll = 0;
  private steps = 0;
  private readonly withProbabilities: boolean;

  constructor(withProbabilities: boolean) {
    this.withProbabilities = withProbabilities;
  }

  /** Adds one step: the predicted class and, when known, the log-probability given to the true class. */
  add(predicted: number, target: number, logProbOfTarget = NaN): void {
    if (predicted === target) this.hits++;
    this.nll -= logProbOfTarget;
    this.steps++;
  }

  /** Adds one step from raw logits (`k` of them from `logits[off..]`): argmax and log-softmax. */
  addLogits(logits: ArrayLike<number>, off: number, k: number, target: number): void {
    let best = 0;
    let max = -Infinity;
    for (let i = 0; i < k; i++) {
      if (logits[off + i] > max) {
        max = logits[off + i];
        best = i;
      }
    }
    let sum = 0;
    for (let i = 0; i < k; i++) sum += Math.exp(logits[off + i] - max);
    this.add(best, target, logits[off + target] - max - Math.log(sum));
  }

  /** The metrics so far. */
  result(): ClassMetrics {
    return { accuracy: this.hits / this.steps, crossEntropy: this.withProbabilities ? this.nll / this.steps : null, n: this.steps };
  }
}
