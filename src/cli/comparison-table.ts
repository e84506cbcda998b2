import type { ClassMetrics, RegressionMetrics } from '../train/baseline-metrics.js';
import { formatTable } from './format-table.js';
import { fmt } from './training-progress.js';

/** A row of a comparison: a predictor, in words, with its metrics per window. */
export interface ComparisonTableRow {
  readonly name: string;
  readonly description: string;
  readonly validation?: RegressionMetrics | ClassMetrics;
  readonly test?: RegressionMetrics | ClassMetrics;
  readonly note?: string;
}

/**
 * One table: predictor, what it is, then per window (validation, and test when any row has it)
 * MSE, MAE and QLIKE (volatility targets) or accuracy and cross-entropy, and the scored steps.
 */
export function comparisonTable(rows: readonly ComparisonTableRow[]): string {
  const sample = rows.find((r) => r.validation)?.validation;
  const classes = sample !== undefined && 'accuracy' in sample;
  const qlike = sample !== undefined && 'qlike' in sample && sample.qlike !== undefined;
  const windows = rows.some((r) => r.test) ? (['validation', 'test'] as const) : (['validation'] as const);
  const metricNames = classes ? ['accuracy', 'cross_entropy'] : qlike ? ['mse', 'mae', 'qlike'] : ['mse', 'mae'];
  const header = ['predictor', 'what it is', ...windows.flatMap((w) => [...metricNames.map((m) => `${w} ${m}`), `${w} n`])];
  const body = rows.map((r) => [
    r.name,
    r.note ? `${r.description} (${r.note})` : r.description,
    ...windows.flatMap((w) => {
      const m = r[w];
      if (!m) return [...metricNames.map(() => '-'), '-'];
      const values = 'accuracy' in m ? [fmt(m.accuracy), m.crossEntropy === null ? '-' : fmt(m.crossEntropy)] : [fmt(m.mse), fmt(m.mae), ...(qlike ? [m.qlike === undefined ? '-' : fmt(m.qlike)] : [])];
      return [...values, String(m.n)];
    }),
  ]);
  return formatTable(header, body);
}
