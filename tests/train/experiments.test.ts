/**
 * The learning experiments of docs/training.md at test size: data from the seeded generators in
 * examples/data (parameters there), trained through runTraining as `rnn-stream train` does, and
 * judged on the time-ordered validation split. The docs record the full-size figures.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ar2Ticks, AR2_DEFAULTS } from '../../examples/data/gen-ar2.js';
import { chefEvents } from '../../examples/data/gen-chef.js';
import { garchTicks } from '../../examples/data/gen-garch.js';
import type { ClassMetrics, RegressionMetrics } from '../../src/train/baseline-metrics.js';
import { parseTrainingOptions, type RawTrainingOptions } from '../../src/train/run-training-options.js';
import { runTraining } from '../../src/train/run-training.js';

async function trainOn(lines: string[], raw: Omit<RawTrainingOptions, 'input' | 'out'>) {
  const dir = await mkdtemp(join(tmpdir(), 'rnn-stream-experiment-'));
  const input = join(dir, 'events.jsonl');
  await writeFile(input, lines.join('\n') + '\n');
  return runTraining(parseTrainingOptions({ input, out: join(dir, 'model'), ...raw }));
}

describe('experiments', () => {
  it.each(['gru', 'rnn_tanh'])('chef example 3 from random weather: %s predicts every held-out day\'s food', async (cell) => {
    const lines = chefEvents({ seed: 3, episodes: 300, keys: 4 });
    const { validation } = await trainOn(lines, { target: 'class', cell, hidden: '8', lr: '0.01', batch: '1', epochs: '40', patience: '5' });
    const model = validation.model as ClassMetrics;
    expect(model.n).toBeGreaterThan(400);
    expect(model.accuracy).toBe(1);
    expect(model.accuracy).toBeGreaterThan((validation.baselines.last_class as ClassMetrics).accuracy);
  });

  it('AR(2) returns: validation MSE within 10% of the noise variance and below every naive baseline', async () => {
    const lines = ar2Ticks({ seed: 7, n: 6000 });
    const { validation } = await trainOn(lines, { target: 'next_logret', hidden: '8', lr: '0.003', epochs: '15', features: 'log_return' });
    const model = validation.model as RegressionMetrics;
    const noise = AR2_DEFAULTS.sigma ** 2;
    expect(model.mse).toBeLessThan(1.1 * noise);
    for (const b of Object.values(validation.baselines)) expect(model.mse).toBeLessThan((b as RegressionMetrics).mse);
  });

  it('GARCH(1,1) returns: the next absolute return is forecast better than by the last value and the training mean', async () => {
    const lines = garchTicks({ seed: 11, n: 10_000 });
    const { validation } = await trainOn(lines, { target: 'next_abs_logret', hidden: '8', lr: '0.003', epochs: '15', features: 'log_return' });
    const model = validation.model as RegressionMetrics;
    expect(model.mse).toBeLessThan((validation.baselines.last_value as RegressionMetrics).mse);
    expect(model.mse).toBeLessThan((validation.baselines.train_mean as RegressionMetrics).mse);
  });

  it.each(['gaussian_nll', 'qlike'])('GARCH(1,1) returns: a %s-trained variance forecast beats the training mean and the EWMA of r² on QLIKE', async (loss) => {
    const lines = garchTicks({ seed: 11, n: 10_000 });
    const { validation } = await trainOn(lines, { target: 'next_abs_logret', loss, hidden: '8', lr: '0.003', epochs: '15', features: 'log_return' });
    const model = validation.model as RegressionMetrics;
    expect(Object.keys(validation.baselines).sort()).toEqual(['ewma_variance', 'garch11_mle', 'last_value', 'linear_ls', 'train_mean']);
    expect(model.qlike).toBeLessThan((validation.baselines.train_mean as RegressionMetrics).qlike!);
    expect(model.qlike).toBeLessThan((validation.baselines.ewma_variance as RegressionMetrics).qlike!);
  });
});
