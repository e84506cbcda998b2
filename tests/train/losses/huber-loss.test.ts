import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors/index.js';
import { huberLoss } from '../../../src/train/losses/huber-loss.js';

describe('huberLoss', () => {
  it('is quadratic inside delta and linear beyond, with a clamped gradient', () => {
    const grad = new Float64Array(3);
    const sum = huberLoss(1).step(Float64Array.of(0.5, 3, -2), 0, Float64Array.of(0, 0, 0), 0, 3, grad, 0, 2);
    // 0.5·0.25 + 1·(3 - 0.5) + 1·(2 - 0.5)
    expect(sum).toBeCloseTo(4.125, 15);
    expect([...grad]).toEqual([1, 2, -2]);
  });

  it('scales the linear part by delta', () => {
    const grad = new Float64Array(1);
    expect(huberLoss(0.5).step(Float64Array.of(2), 0, Float64Array.of(0), 0, 1, grad, 0, 1)).toBeCloseTo(0.875, 15);
    expect(grad[0]).toBe(0.5);
  });

  it('rejects a delta that is not a positive finite number, naming the option', () => {
    for (const bad of [0, -1, NaN, Infinity]) {
      expect(() => huberLoss(bad)).toThrow(ConfigError);
    }
    expect(() => huberLoss(0)).toThrow(/huberDelta/);
  });
});
