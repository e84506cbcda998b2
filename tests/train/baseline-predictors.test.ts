import { describe, expect, it } from 'vitest';
import type { KeySeries } from '../../src/train/dataset-key-series.js';
import { classBaselines, regressionBaselines } from '../../src/train/baseline-predictors.js';
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

describe('regressionBaselines', () => {
  it('scores zero, training mean, last value and EWMA on the validation steps only, from earlier targets', () => {
    const s = series([1, 3, 2, 6, 4], 3, [1, 1, 1, 0, 0], [0, 0, 0, 1, 1]);
    const b = regressionBaselines([s], 1, [2], 0.5);
    // zero: errors 6, 4
    expect(b.zero).toEqual({ mse: (36 + 16) / 2, mae: 5, n: 2 });
    // train mean 2: errors 4, 2
    expect(b.train_mean).toEqual({ mse: (16 + 4) / 2, mae: 3, n: 2 });
    // last value: predicts 2 for step 3, 6 for step 4
    expect(b.last_value).toEqual({ mse: (16 + 4) / 2, mae: 3, n: 2 });
    // ewma from 2, alpha .5: after 1 -> 1.5, after 3 -> 2.25, after 2 -> 2.125 (predicts step 3), after 6 -> 4.0625 (step 4)
    expect(b.ewma.mse).toBeCloseTo(((6 - 2.125) ** 2 + (4 - 4.0625) ** 2) / 2, 12);
  });

  it('falls back to the training mean before a key\'s first target and skips steps without a target', () => {
    const s = series([null, 5, null, 7], 1, [0, 0, 0, 0], [0, 1, 0, 1]);
    const b = regressionBaselines([s], 1, [4], 0.5);
    // last value predicts 4 (no earlier target) for step 1, then 5 for step 3
    expect(b.last_value).toEqual({ mse: (1 + 4) / 2, mae: 1.5, n: 2 });
  });
});

describe('classBaselines', () => {
  it('majority class with smoothed training frequencies, and the previous class', () => {
    const s = series([0, 1, 1, 2, 1, 0], 4, [1, 1, 1, 1, 0, 0], [0, 0, 0, 0, 1, 1]);
    const b = classBaselines([s], 3);
    // training counts 1, 2, 1 -> majority 1; add-one probabilities (2/7, 3/7, 2/7)
    expect(b.majority.accuracy).toBe(0.5);
    expect(b.majority.crossEntropy).toBeCloseTo(-(Math.log(3 / 7) + Math.log(2 / 7)) / 2, 12);
    // previous class: predicts 2 for step 4 (wrong), 1 for step 5 (wrong)
    expect(b.last_class).toEqual({ accuracy: 0, crossEntropy: null, n: 2 });
  });
});
