import { describe, expect, it } from 'vitest';
import type { KeySeries } from '../../src/train/dataset-key-series.js';
import { classBaselines, fitRegressionBaselines, regressionBaselines } from '../../src/train/baseline-predictors.js';
import type { TargetShape } from '../../src/train/target-values.js';
import { keyEventsOf } from './dataset-helpers.js';

/** A one-output series with the given targets, cut and masks (no targets where `y` is null). */
function series(y: (number | null)[], cut: number, trainMask: number[], valMask: number[]): KeySeries {
  return {
    key: 'k',
    events: keyEventsOf(y.map((_, i) => ({ kind: 'vector', key: 'k', ts: i, features: [], end: false }))),
    inputs: new Float64Array(0),
    targets: Float64Array.from(y, (v) => v ?? 0),
    hasTarget: Uint8Array.from(y, (v) => (v === null ? 0 : 1)),
    ends: new Uint8Array(y.length),
    trainMask: Uint8Array.from(trainMask),
    valMask: Uint8Array.from(valMask),
    testMask: new Uint8Array(y.length),
    cut,
    testCut: y.length,
  };
}

const shapeOf = (kind: 'value' | 'next_abs_logret'): TargetShape => ({ kind, width: 1, outputSize: 1, flatThreshold: 0 });

describe('regressionBaselines', () => {
  it('scores zero, training mean and last value on the validation steps only, from earlier targets', () => {
    const s = series([1, 3, 2, 6, 4], 3, [1, 1, 1, 0, 0], [0, 0, 0, 1, 1]);
    const fit = fitRegressionBaselines([s], shapeOf('value'), 1, [2], 0.5);
    const b = regressionBaselines([s], fit, 'validation');
    // zero: errors 6, 4
    expect(b.zero).toEqual({ mse: (36 + 16) / 2, mae: 5, n: 2 });
    // train mean 2: errors 4, 2
    expect(b.train_mean).toEqual({ mse: (16 + 4) / 2, mae: 3, n: 2 });
    // last value: predicts 2 for step 3, 6 for step 4
    expect(b.last_value).toEqual({ mse: (16 + 4) / 2, mae: 3, n: 2 });
    expect(b.ewma_variance).toBeUndefined();
    expect(b.zero.qlike).toBeUndefined();
  });

  it('falls back to the training mean before a key\'s first target and skips steps without a target', () => {
    const s = series([null, 5, null, 7], 1, [0, 0, 0, 0], [0, 1, 0, 1]);
    const b = regressionBaselines([s], fitRegressionBaselines([s], shapeOf('value'), 1, [4], 0.5), 'validation');
    // last value predicts 4 (no earlier target) for step 1, then 5 for step 3
    expect(b.last_value).toEqual({ mse: (1 + 4) / 2, mae: 1.5, n: 2 });
  });

  it('linear_ls recovers an exact linear relation of the inputs, fitted on training steps only', () => {
    const x = [0.5, -1, 2, 3, -2, 1.5];
    const y = x.map((v) => 3 * v - 1);
    y[4] = 100; // a validation target far off the line: not used by the fit
    const s = { ...series(y, 4, [1, 1, 1, 1, 0, 0], [0, 0, 0, 0, 1, 1]), inputs: Float64Array.from(x) };
    const fit = fitRegressionBaselines([s], shapeOf('value'), 1, [0], 0.5);
    expect(fit.linear[0]).toBeCloseTo(3, 8);
    expect(fit.linear[1]).toBeCloseTo(-1, 8);
    // step 4 predicts 3 * -2 - 1 = -7 against 100; step 5 is exact
    expect(regressionBaselines([s], fit, 'validation').linear_ls.mse).toBeCloseTo(107 ** 2 / 2, 6);
  });

  it('volatility targets: RiskMetrics EWMA variance and a GARCH(1,1) fitted on training, as sqrt(2/pi) sigma, with QLIKE', () => {
    const y = [0.01, 0.02, 0.005, 0.03, 0.01, 0.015, 0.02, 0.004];
    const s = series(y, 5, [1, 1, 1, 1, 1, 0, 0, 0], [0, 0, 0, 0, 0, 1, 1, 1]);
    const trainMean = y.slice(0, 5).reduce((a, v) => a + v, 0) / 5;
    const fit = fitRegressionBaselines([s], shapeOf('next_abs_logret'), 1, [trainMean], 0.06, 'abs_return');
    const b = regressionBaselines([s], fit, 'validation');
    const g = fit.volatility!.garch;
    expect(g.alpha + g.beta).toBeLessThan(1);
    // Independent recursion: predictions for steps 5..7 from the targets before each.
    let ewma = y.slice(0, 5).reduce((a, v) => a + v * v, 0) / 5;
    let garch = g.omega / (1 - g.alpha - g.beta);
    const ewmaPred: number[] = [];
    const garchPred: number[] = [];
    y.forEach((v, t) => {
      if (t >= 5) {
        ewmaPred.push(Math.sqrt((2 / Math.PI) * ewma));
        garchPred.push(Math.sqrt((2 / Math.PI) * garch));
      }
      ewma = 0.94 * ewma + 0.06 * v * v;
      garch = g.omega + g.alpha * v * v + g.beta * garch;
    });
    const mse = (p: number[]) => p.reduce((a, v, i) => a + (v - y[5 + i]) ** 2, 0) / p.length;
    // QLIKE v/h - ln(v/h) - 1 with the proxy v = y^2 and h = (pi/2) yhat^2.
    const qlike = (p: number[]) =>
      p.reduce((a, v, i) => {
        const ratio = y[5 + i] ** 2 / ((Math.PI / 2) * v * v);
        return a + ratio - Math.log(ratio) - 1;
      }, 0) / p.length;
    expect(b.ewma_variance.mse).toBeCloseTo(mse(ewmaPred), 15);
    expect(b.ewma_variance.qlike).toBeCloseTo(qlike(ewmaPred), 10);
    expect(b.garch11_mle.mse).toBeCloseTo(mse(garchPred), 15);
    expect(b.garch11_mle.qlike).toBeCloseTo(qlike(garchPred), 10);
    // QLIKE of the training-mean forecast, from its definition.
    expect(b.train_mean.qlike).toBeCloseTo(qlike([trainMean, trainMean, trainMean]), 10);
    // On r^2 targets (a variance model) the same recursions are reported as variances, without zero.
    const sq = series(y.map((v) => v * v), 5, [1, 1, 1, 1, 1, 0, 0, 0], [0, 0, 0, 0, 0, 1, 1, 1]);
    const vfit = fitRegressionBaselines([sq], shapeOf('next_abs_logret'), 1, [0], 0.06, 'variance');
    const vb = regressionBaselines([sq], vfit, 'validation');
    expect(vb.zero).toBeUndefined();
    expect(vfit.volatility!.garch.logLikelihood).toBeCloseTo(g.logLikelihood, 9);
    const ewmaVar = ewmaPred.map((p) => (Math.PI / 2) * p * p);
    expect(vb.ewma_variance.mse).toBeCloseTo(ewmaVar.reduce((a, v, i) => a + (v - y[5 + i] ** 2) ** 2, 0) / 3, 18);
  });
});

describe('classBaselines', () => {
  it('majority class with smoothed training frequencies, and the previous class', () => {
    const s = series([0, 1, 1, 2, 1, 0], 4, [1, 1, 1, 1, 0, 0], [0, 0, 0, 0, 1, 1]);
    const b = classBaselines([s], 3);
    // training counts 1, 2, 1 -> majority 1; add-one probabilities (2/7, 3/7, 2/7)
    expect(b.majority_class.accuracy).toBe(0.5);
    expect(b.majority_class.crossEntropy).toBeCloseTo(-(Math.log(3 / 7) + Math.log(2 / 7)) / 2, 12);
    // previous class: predicts 2 for step 4 (wrong), 1 for step 5 (wrong)
    expect(b.last_class).toEqual({ accuracy: 0, crossEntropy: null, n: 2 });
  });
});
