import { describe, expect, it } from 'vitest';
import { createLoss } from '../../../src/train/losses/create-loss.js';
import { gaussianNllLoss } from '../../../src/train/losses/gaussian-nll-loss.js';
import { qlike, qlikeLoss, QLIKE_PROXY_FLOOR } from '../../../src/train/losses/qlike-loss.js';

// The head output is ln σ²; the target a variance proxy v. Expected values from the textbook
// forms: Gaussian NLL ½(ln σ² + v/σ²), QLIKE v/σ² - ln(v/σ²) - 1.
describe('variance losses', () => {
  const sigma2 = [0.5, 2, 1e-4];
  const v = [0.25, 3, 4e-4];
  const y = Float64Array.from(sigma2, Math.log);

  it('gaussian_nll is ½(ln σ² + v/σ²) per output with gradient ½(1 - v/σ²)', () => {
    const grad = new Float64Array(3);
    const sum = gaussianNllLoss.step(y, 0, Float64Array.from(v), 0, 3, grad, 0, 2);
    const expected = sigma2.reduce((acc, s, k) => acc + 0.5 * (Math.log(s) + v[k] / s), 0);
    expect(sum).toBeCloseTo(expected, 12);
    sigma2.forEach((s, k) => expect(grad[k]).toBeCloseTo(2 * 0.5 * (1 - v[k] / s), 12));
  });

  it('qlike is v/σ² - ln(v/σ²) - 1 per output, zero at σ² = v, with gradient 1 - v/σ²', () => {
    const grad = new Float64Array(3);
    const sum = qlikeLoss.step(y, 0, Float64Array.from(v), 0, 3, grad, 0, 1);
    const expected = sigma2.reduce((acc, s, k) => acc + (v[k] / s - Math.log(v[k] / s) - 1), 0);
    expect(sum).toBeCloseTo(expected, 12);
    sigma2.forEach((s, k) => expect(grad[k]).toBeCloseTo(1 - v[k] / s, 12));
    expect(qlikeLoss.step(Float64Array.of(Math.log(0.3)), 0, Float64Array.of(0.3), 0, 1, grad, 0, 1)).toBeCloseTo(0, 14);
    expect(qlike(0.3, 0.3)).toBeCloseTo(0, 14);
  });

  it('qlike stays finite on a zero proxy (ln floored) and keeps the exact gradient 1', () => {
    const grad = new Float64Array(1);
    const sum = qlikeLoss.step(Float64Array.of(0), 0, Float64Array.of(0), 0, 1, grad, 0, 1);
    expect(sum).toBeCloseTo(-Math.log(QLIKE_PROXY_FLOOR) - 1, 10);
    expect(grad[0]).toBe(1);
  });

  it('both are selectable by name, one term per output', () => {
    expect(createLoss('gaussian_nll')).toBe(gaussianNllLoss);
    expect(createLoss('qlike')).toBe(qlikeLoss);
    expect(qlikeLoss.termsPerStep(2)).toBe(2);
    expect(gaussianNllLoss.targetWidth(2)).toBe(2);
  });
});
