/**
 * Variance forecasts of a GARCH(1,1) series trained three ways, scored on the same held-out
 * steps in one run: `npx tsx examples/volatility/compare-losses.ts [--n 20000] [--hidden 16]
 * [--epochs 15]` (docs/training.md, "Losses for volatility", shows its output).
 *
 * Data: examples/data/gen-garch.ts (seed 11, one key). Models, GRU with the log return as input:
 *   mse           --target next_sq_logret --loss mse          (regression on the proxy r²)
 *   gaussian_nll  --target next_abs_logret --loss gaussian_nll (log-variance output)
 *   qlike         --target next_abs_logret --loss qlike
 * Every row is scored on the validation steps (the latest 20%) against the proxy r_{t+1}²: MSE
 * of the variance forecast, and QLIKE (losses/qlike-loss.ts). Reference rows: the true
 * conditional variance σ²_{t+1} of the generator (the GARCH filter run on the returns with the
 * generator's parameters), and the trainer's own baselines (training mean variance, EWMA of r²).
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { garchTicks, GARCH_DEFAULTS } from '../data/gen-garch.js';
import type { RegressionMetrics } from '../../src/train/baseline-metrics.js';
import { qlike } from '../../src/train/losses/qlike-loss.js';
import { parseTrainingOptions } from '../../src/train/run-training-options.js';
import { runTraining } from '../../src/train/run-training.js';

const { values } = parseArgs({ options: { n: { type: 'string', default: '20000' }, hidden: { type: 'string', default: '16' }, epochs: { type: 'string', default: '15' } } });
const n = Number(values.n);
const lines = garchTicks({ n });
const dir = await mkdtemp(join(tmpdir(), 'rnn-stream-volatility-'));
const input = join(dir, 'garch.jsonl');
await writeFile(input, lines.join('\n') + '\n');

const rows: { name: string; mse: number; qlike: number; n: number }[] = [];
const runs = [
  { name: 'GRU, MSE on r² (next_sq_logret)', target: 'next_sq_logret', loss: 'mse' },
  { name: 'GRU, Gaussian NLL (next_abs_logret)', target: 'next_abs_logret', loss: 'gaussian_nll' },
  { name: 'GRU, QLIKE (next_abs_logret)', target: 'next_abs_logret', loss: 'qlike' },
];
let baselines: Record<string, RegressionMetrics> = {};
let scored = 0;
for (const run of runs) {
  const opts = parseTrainingOptions({ input, out: join(dir, run.loss), target: run.target, loss: run.loss, hidden: values.hidden, epochs: values.epochs, features: 'log_return', lr: '0.003' });
  const result = await runTraining(opts);
  const m = result.validation.model as RegressionMetrics;
  rows.push({ name: `${run.name}, best epoch ${result.loop.bestEpoch}`, mse: m.mse, qlike: m.qlike!, n: m.n });
  baselines = result.validation.baselines as Record<string, RegressionMetrics>;
  scored = m.n;
}

// The true conditional variance: the generator's recursion on the returns it produced.
const prices = lines.map((l) => (JSON.parse(l) as { price: number }).price);
const r = prices.map((p, t) => (t === 0 ? 0 : Math.log(p / prices[t - 1])));
const { omega, alpha, beta } = GARCH_DEFAULTS;
// sigma2[t] = variance of r[t]; the tick generator draws r_t after updating the variance with r_{t-1}.
const sigma2 = new Float64Array(r.length);
sigma2[0] = omega / (1 - alpha - beta);
for (let t = 1; t < r.length; t++) sigma2[t] = omega + alpha * r[t - 1] ** 2 + beta * sigma2[t - 1];
let ideal = { mse: 0, qlike: 0 };
// Validation steps are the last `scored` steps that have a target (t <= T-2): forecast of r_{t+1}².
for (let t = r.length - 1 - scored; t < r.length - 1; t++) {
  const v = r[t + 1] ** 2;
  ideal = { mse: ideal.mse + (sigma2[t + 1] - v) ** 2 / scored, qlike: ideal.qlike + qlike(v, sigma2[t + 1]) / scored };
}
rows.push({ name: 'true GARCH σ²_{t+1} (generator parameters)', ...ideal, n: scored });
for (const [name, m] of Object.entries(baselines)) rows.push({ name: `baseline: ${name}`, mse: m.mse, qlike: m.qlike!, n: m.n });

console.log(`GARCH(1,1) ${n} ticks (omega ${omega}, alpha ${alpha}, beta ${beta}); hidden ${values.hidden}, up to ${values.epochs} epochs; ${scored} validation steps`);
console.log('| forecast of r²_{t+1} | QLIKE | MSE |');
console.log('| --- | ---: | ---: |');
for (const row of rows) console.log(`| ${row.name} | ${row.qlike.toFixed(4)} | ${row.mse.toExponential(4)} |`);
