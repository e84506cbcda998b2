import { describe, expect, it } from 'vitest';
import { Adam } from '../../../src/train/optim/adam.js';

/** Textbook Adam (Kingma & Ba, with bias-corrected moments), written independently of the implementation. */
function textbookAdam(p: number, grads: number[], lr: number, b1: number, b2: number, eps: number, wd: number, decoupled: boolean): number {
  let m = 0;
  let v = 0;
  grads.forEach((g0, i) => {
    const t = i + 1;
    if (decoupled) p -= lr * wd * p;
    const g = decoupled ? g0 : g0 + wd * p;
    m = b1 * m + (1 - b1) * g;
    v = b2 * v + (1 - b2) * g * g;
    const mHat = m / (1 - b1 ** t);
    const vHat = v / (1 - b2 ** t);
    p -= (lr * mHat) / (Math.sqrt(vHat) + eps);
  });
  return p;
}

describe('Adam', () => {
  it('moves each parameter by about lr against the sign of its gradient on the first step', () => {
    const adam = new Adam(2, { lr: 0.1, decoupled: false });
    const p = Float64Array.of(1, -1);
    adam.step(p, Float64Array.of(2, -0.5));
    expect(p[0]).toBeCloseTo(1 - 0.1 * (2 / (2 + 1e-8)), 15);
    expect(p[1]).toBeCloseTo(-1 + 0.1 * (0.5 / (0.5 + 1e-8)), 15);
    expect(adam.steps).toBe(1);
  });

  it('follows the bias-corrected update over several steps, with L2 weight decay', () => {
    const grads = [0.3, -0.2, 0.5, 0.1];
    const adam = new Adam(1, { lr: 0.05, betas: [0.8, 0.99], eps: 1e-6, weightDecay: 0.1, decoupled: false });
    const p = Float64Array.of(0.7);
    for (const g of grads) adam.step(p, Float64Array.of(g));
    expect(p[0]).toBeCloseTo(textbookAdam(0.7, grads, 0.05, 0.8, 0.99, 1e-6, 0.1, false), 14);
  });

  it('decouples weight decay as AdamW: p shrinks by lr·wd·p before the Adam step', () => {
    const grads = [0.3, -0.2, 0.5];
    const adamw = new Adam(1, { lr: 0.05, weightDecay: 0.2, decoupled: true });
    const p = Float64Array.of(0.7);
    for (const g of grads) adamw.step(p, Float64Array.of(g));
    expect(p[0]).toBeCloseTo(textbookAdam(0.7, grads, 0.05, 0.9, 0.999, 1e-8, 0.2, true), 14);
    // With a zero gradient only the decay acts on the first step.
    const only = new Adam(1, { lr: 0.1, weightDecay: 0.5, decoupled: true });
    const q = Float64Array.of(2);
    only.step(q, Float64Array.of(0));
    expect(q[0]).toBe(2 * (1 - 0.1 * 0.5));
  });

  it('never writes the gradient', () => {
    const g = Float64Array.of(0.3, 0.4);
    new Adam(2, { lr: 0.1, weightDecay: 0.1, decoupled: false }).step(Float64Array.of(1, 2), g);
    expect([...g]).toEqual([0.3, 0.4]);
  });
});
