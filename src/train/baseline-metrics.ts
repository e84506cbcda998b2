/**
 * The metrics reported for a model and its baselines: MSE and MAE in the target's units for
 * regression (averaged over steps and outputs); accuracy and mean cross-entropy (natural log)
 * for classes. Volatility forecasts also get the mean QLIKE (losses/qlike-loss.ts: v/h -
 * ln(v/h) - 1 of a forecast variance h against the proxy v = r^2):
 *
 *   variance    the predictions are variance forecasts, the targets the proxies r^2 (a forecast
 *               <= 0 is floored like the proxy);
 *   abs_return  the predictions forecast the next ABSOLUTE return yhat, the targets are |r|: for
 *               normal returns (E|r| = sqrt(2/pi) sigma) yhat implies h = (pi/2) yhat^2, and the
 *               proxy is the squared target; yhat is floored at {@link QLIKE_ABS_FLOOR}.
 */
import { qlikeOf, type QlikeMode } from '../quality/qlike.js';

export { QLIKE_ABS_FLOOR, qlikeMode, type QlikeMode } from '../quality/qlike.js';

/** Regression metrics over `n` scored steps. */
export interface RegressionMetrics {
  readonly mse: number;
  readonly mae: number;
  /** Volatility forecasts only. */
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
  private readonly mode: QlikeMode;

  /** `mode`: which QLIKE to add (none, variance forecasts, absolute-return forecasts). */
  constructor(mode: QlikeMode = 'none') {
    this.mode = mode;
  }

  /** Adds one step: `width` predictions from `pred[pOff..]` against `target[tOff..]`. */
  add(pred: ArrayLike<number>, pOff: number, target: ArrayLike<number>, tOff: number, width: number): void {
    for (let i = 0; i < width; i++) {
      const e = pred[pOff + i] - target[tOff + i];
      this.sq += e * e;
      this.abs += Math.abs(e);
      if (this.mode !== 'none') this.ql += qlikeOf(this.mode, pred[pOff + i], target[tOff + i]);
    }
    this.values += width;
    this.steps++;
  }

  /** The metrics so far (NaN when nothing was added). */
  result(): RegressionMetrics {
    const base = { mse: this.sq / this.values, mae: this.abs / this.values };
    return this.mode !== 'none' ? { ...base, qlike: this.ql / this.values, n: this.steps } : { ...base, n: this.steps };
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

