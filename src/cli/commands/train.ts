import type { Command } from 'commander';
import type { ClassMetrics, RegressionMetrics } from '../../train/baseline-metrics.js';
import { parseTrainingOptions, TRAINING_DEFAULTS, type RawTrainingOptions } from '../../train/run-training-options.js';
import { runTraining } from '../../train/run-training.js';
import { TARGET_KINDS } from '../../train/target-kind.js';
import { addTrainingOptions } from '../training-cli-options.js';
import { fmt, trainingProgress } from '../training-progress.js';

/** Registers `rnn-stream train`: train a model from a JSONL file of events (docs/training.md). */
export function registerTrain(program: Command): void {
  const command = program
    .command('train')
    .description('Train a recurrent model from a file of events, with a time-ordered validation split, early stopping and baselines.')
    .requiredOption('-i, --input <events.jsonl>', 'events, one JSON object per line (market ticks or {"key","ts","features","target"})')
    .requiredOption('-o, --out <dir>', 'directory for <name>.json, <name>.safetensors and validation-predictions.jsonl')
    .requiredOption('-t, --target <kind>', `what to predict: ${TARGET_KINDS.join(', ')}`)
    .option('--name <name>', 'model name (default: the input file name)')
    .option('--val-fraction <x>', "share of each key's latest events held out for validation", String(TRAINING_DEFAULTS.valFraction));
  addTrainingOptions(command)
    .addHelpText('after', '\nSee docs/training.md for targets, the split, the baselines and the files written.')
    .action(async (raw: Record<string, string | boolean | undefined>) => {
      const { sequenceGap, quiet, allowContinuousClass, ...rest } = raw;
      const opts = parseTrainingOptions({
        ...(rest as RawTrainingOptions),
        sequenceGapMs: sequenceGap as string | undefined,
        allowContinuousClass: allowContinuousClass === true ? 'true' : undefined,
      });
      let warnings = 0;
      const display = trainingProgress(opts.epochs, false);
      const result = await runTraining(opts, {
        ...display,
        onWarning(text) {
          warnings++;
          if (!quiet) process.stderr.write(`${text}\n`);
        },
      }).finally(() => display.stop());
      const { model, baselines } = result.validation;
      process.stderr.write(
        `train: ${warnings} warnings, ${result.loop.epochsRun} epochs, best epoch ${result.loop.bestEpoch}; wrote ${result.manifestPath}, ${result.weightsPath}, ${result.predictionsPath}\n` +
          `validation (${model.n} scored steps):\n${metricRow('model', model)}\n` +
          Object.entries(baselines).map(([name, m]) => metricRow(name, m)).join('\n') +
          '\n',
      );
    });
}

function metricRow(name: string, m: RegressionMetrics | ClassMetrics): string {
  const values =
    'mse' in m
      ? `mse=${fmt(m.mse)} mae=${fmt(m.mae)}${m.qlike === undefined ? '' : ` qlike=${fmt(m.qlike)}`}`
      : `accuracy=${fmt(m.accuracy)} cross_entropy=${m.crossEntropy === null ? '-' : fmt(m.crossEntropy)}`;
  return `  ${name.padEnd(14)} ${values}`;
}
