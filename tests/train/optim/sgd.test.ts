import { describe, expect, it } from 'vitest';
import { Sgd } from '../../../src/train/optim/sgd.js';

describe('Sgd', () => {
  it('without momentum takes p - lr·(g + wd·p)', () => {
    const p = Float64Array.of(2);
    new Sgd(1, { lr: 0.1, weightDecay: 0.5 }).step(p, Float64Array.of(1));
    expect(p[0]).toBeCloseTo(2 - 0.1 * (1 + 0.5 * 2), 15);
  });

  it('starts the momentum buffer at the first gradient, then buf = momentum·buf + g', () => {
    const sgd = new Sgd(1, { lr: 0.1, momentum: 0.9 });
    const p = Float64Array.of(0);
    sgd.step(p, Float64Array.of(1));
    expect(p[0]).toBeCloseTo(-0.1, 15);
    sgd.step(p, Float64Array.of(2));
    // buf = 0.9·1 + 2 = 2.9
    expect(p[0]).toBeCloseTo(-0.1 - 0.29, 15);
    sgd.step(p, Float64Array.of(0));
    // buf = 0.9·2.9
    expect(p[0]).toBeCloseTo(-0.39 - 0.1 * 2.61, 15);
    expect(sgd.steps).toBe(3);
  });
});
