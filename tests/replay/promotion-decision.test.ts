import { describe, expect, it } from 'vitest';
import { promotionDecision } from '../../src/replay/promotion-decision.js';

const reg = (mse: number, qlike?: number) => ({ mse, mae: 0, n: 10, ...(qlike === undefined ? {} : { qlike }) });

describe('promotionDecision', () => {
  it('promotes only when the candidate beats the champion on validation by the margin', () => {
    expect(promotionDecision('auto', 0.01, reg(0.98), reg(1)).promote).toBe(true);
    expect(promotionDecision('auto', 0.01, reg(0.995), reg(1)).promote).toBe(false);
    expect(promotionDecision('auto', 0.01, reg(0.995), reg(1)).reason).toBe('validation mse 0.995000 vs champion 1.00000: does not beat it by the margin 0.01 (needs <= 0.990000)');
    // QLIKE decides for volatility forecasts, even when MSE says otherwise; a negative metric keeps the margin's direction.
    expect(promotionDecision('auto', 0.01, reg(5, -9.9), reg(1, -9.7)).promote).toBe(true);
    expect(promotionDecision('auto', 0.01, reg(0.5, -9.7), reg(1, -9.7)).promote).toBe(false);
    // Classes: cross-entropy.
    expect(promotionDecision('auto', 0, { accuracy: 0.1, crossEntropy: 0.5, n: 3 }, { accuracy: 0.9, crossEntropy: 0.6, n: 3 }).promote).toBe(true);
  });

  it('promotes without a champion, never with never, always with force', () => {
    expect(promotionDecision('auto', 0.01, reg(1), undefined)).toEqual({ promote: true, reason: 'no comparable champion' });
    expect(promotionDecision('auto', 0.01, reg(NaN), undefined).promote).toBe(false);
    expect(promotionDecision('never', 0.01, reg(0), reg(1)).promote).toBe(false);
    expect(promotionDecision('force', 0.01, reg(9), reg(1)).promote).toBe(true);
  });
});
