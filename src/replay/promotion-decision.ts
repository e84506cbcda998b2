import type { ClassMetrics, RegressionMetrics } from '../train/baseline-metrics.js';

/** `--promote`: auto (by the validation metric and the margin), force, or never. */
export type PromoteMode = 'auto' | 'force' | 'never';

/** Whether a candidate becomes the champion, and why. */
export interface PromotionDecision {
  readonly promote: boolean;
  readonly reason: string;
}

/**
 * The validation metric that decides a promotion (lower is better): QLIKE for volatility
 * forecasts, MSE for other regressions, cross-entropy for classes.
 */
export function decisionMetric(m: RegressionMetrics | ClassMetrics): { name: string; value: number } {
  if ('accuracy' in m) return { name: 'cross_entropy', value: m.crossEntropy ?? NaN };
  return m.qlike !== undefined ? { name: 'qlike', value: m.qlike } : { name: 'mse', value: m.mse };
}

/**
 * Decides on the VALIDATION window only (the test window never decides): with `auto` the
 * candidate is promoted when there is no comparable champion, or when its metric is at most
 * champion x (1 - margin) (for a negative metric, champion - margin x |champion|).
 */
export function promotionDecision(mode: PromoteMode, margin: number, candidate: RegressionMetrics | ClassMetrics, champion: RegressionMetrics | ClassMetrics | undefined): PromotionDecision {
  if (mode === 'never') return { promote: false, reason: '--promote never' };
  if (mode === 'force') return { promote: true, reason: '--promote force' };
  const c = decisionMetric(candidate);
  if (!champion) return { promote: Number.isFinite(c.value), reason: Number.isFinite(c.value) ? 'no comparable champion' : `candidate ${c.name} is not finite` };
  const h = decisionMetric(champion);
  const bar = h.value - margin * Math.abs(h.value);
  const promote = Number.isFinite(c.value) && (c.value <= bar || !Number.isFinite(h.value));
  return {
    promote,
    reason: `validation ${c.name} ${c.value.toPrecision(6)} vs champion ${h.value.toPrecision(6)}: ${promote ? 'beats' : 'does not beat'} it by the margin ${margin} (needs <= ${bar.toPrecision(6)})`,
  };
}
