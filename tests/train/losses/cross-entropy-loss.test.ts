import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors/index.js';
import { createLoss } from '../../../src/train/losses/create-loss.js';
import { crossEntropyLoss } from '../../../src/train/losses/cross-entropy-loss.js';
import type { LossKind } from '../../../src/train/training-contract.js';

describe('crossEntropyLoss', () => {
  it('returns -log softmax(y)[c] and writes scale × (softmax - onehot)', () => {
    const grad = new Float64Array(2);
    // softmax([0, ln 3]) = [0.25, 0.75]
    const loss = crossEntropyLoss.step(Float64Array.of(0, Math.log(3)), 0, Float64Array.of(1), 0, 2, grad, 0, 1);
    expect(loss).toBeCloseTo(-Math.log(0.75), 15);
    expect(grad[0]).toBeCloseTo(0.25, 15);
    expect(grad[1]).toBeCloseTo(-0.25, 15);
  });

  it('stays finite for large logits', () => {
    const grad = new Float64Array(2);
    const loss = crossEntropyLoss.step(Float64Array.of(1000, 0), 0, Float64Array.of(1), 0, 2, grad, 0, 1);
    expect(loss).toBe(1000);
    expect([...grad]).toEqual([1, -1]);
  });

  it('reads one class index per step and counts one term per step', () => {
    expect(crossEntropyLoss.targetWidth(5)).toBe(1);
    expect(crossEntropyLoss.termsPerStep(5)).toBe(1);
  });
});

describe('createLoss', () => {
  it('returns the loss of each kind and rejects an unknown kind naming the option', () => {
    expect(createLoss('mse').kind).toBe('mse');
    expect(createLoss('huber', 2).kind).toBe('huber');
    expect(createLoss('cross_entropy')).toBe(crossEntropyLoss);
    expect(() => createLoss('mae' as LossKind)).toThrow(ConfigError);
    expect(() => createLoss('mae' as LossKind)).toThrow(/loss must be one of/);
  });
});
