import { describe, expect, it } from 'vitest';
import { ClassAccumulator, RegressionAccumulator } from '../../src/train/baseline-metrics.js';

describe('RegressionAccumulator', () => {
  it('averages squared and absolute errors over steps and outputs', () => {
    const acc = new RegressionAccumulator();
    acc.add([1, 2], 0, [0, 0, 3, 0], 2, 2); // errors -2, 2
    acc.add([0, 0, 0], 1, [1, 1], 0, 2); // errors -1, -1
    expect(acc.result()).toEqual({ mse: (4 + 4 + 1 + 1) / 4, mae: 6 / 4, n: 2 });
  });
});

describe('ClassAccumulator', () => {
  it('takes the argmax of logits as the prediction and the log-softmax of the true class as its log-probability', () => {
    const acc = new ClassAccumulator(true);
    acc.addLogits([0, Math.log(3), 0], 0, 3, 1); // p = (.2, .6, .2): hit, -ln .6
    acc.addLogits([9, 0, 1000, 1000 + Math.log(4)], 1, 3, 2); // logits (0, 1000, 1000+ln 4): p(2) = .8, argmax 2: hit
    acc.addLogits([5, 5, 5], 0, 3, 2); // tie: the first class wins, miss; -ln(1/3)
    const r = acc.result();
    expect(r.accuracy).toBeCloseTo(2 / 3, 15);
    expect(r.crossEntropy).toBeCloseTo((-Math.log(0.6) - Math.log(0.8) + Math.log(3)) / 3, 12);
    expect(r.n).toBe(3);
  });
});
