import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { MARKET_INPUTS } from '../../features/market-features.js';
import { CELL_KINDS } from '../../model/cell-kind.js';
import type { ClassMetrics, RegressionMetrics } from '../../train/baseline-metrics.js';
import type { EpochReport } from '../../train/run-training-loop.js';
import { LOSSES, OPTIMIZERS, OUTPUT_MODES, parseTrainingOptions, TRAINING_DEFAULTS, type RawTrainingOptions } from '../../train/run-training-options.js';
import { runTraining, type TrainingProgress } from '../../train/run-training.js';
import { TARGET_KINDS } from '../../train/target-kind.js';

/** Registers `rnn-stream train`: train a model from a JSONL file of events (docs/training.md). */
export function registerTrain(program: Command): void {
  const d = TRAINING_DEFAULTS;
  program
    .command('train')
    .description('Train a recurrent model from a file of events, with a time-ordered validation split, early stopping and naive baselines.')
    .requiredOption('-i, --input <events.jsonl>', 'events, one JSON object per line (market ticks or {"key","ts","features","target"})')
    .requiredOption('-o, --out <dir>', 'directory for <name>.json, <name>.safetensors and validation-predictions.jsonl')
    .requiredOption('-t, --target <kind>', `what to predict: ${TARGET_KINDS.join(', ')}`)
    .option('--name <name>', 'model name (default: the input file name)')
    .option('--cell <kind>', CELL_KINDS.join(', '), d.cell)
    .option('--hidden <n>', 'hidden units per layer', String(d.hidden))
    .option('--layers <n>', 'stacked recurrent layers', String(d.layers))
    .option('--features <list>', `tick inputs, comma-separated: ${MARKET_INPUTS.join(',')}`, MARKET_INPUTS.join(','))
    .option('--output-mode <mode>', OUTPUT_MODES.join(', '), d.outputMode)
    .option('--sequence-gap <ms>', 'many_to_one: a gap longer than this between two events of a key also ends a sequence')
    .option('--loss <kind>', `${LOSSES.join(', ')} (default: cross_entropy for classes, mse otherwise)`)
    .option('--huber-delta <x>', 'Huber loss delta', String(d.huberDelta))
    .option('--epochs <n>', 'maximum epochs', String(d.epochs))
    .option('--patience <n>', 'stop after this many epochs without a better validation loss', String(d.patience))
    .option('--lr <x>', 'learning rate', String(d.lr))
    .option('--batch <n>', 'sequences per batch', String(d.batch))
    .option('--window <n>', 'truncated BPTT window in steps (0 = full BPTT)', String(d.window))
    .option('--clip <x>', 'clip gradients to this global norm (0 = off)', String(d.clip))
    .option('--optimizer <kind>', OPTIMIZERS.join(', '), d.optimizer)
    .option('--weight-decay <x>', 'L2 (adam, sgd) or decoupled (adamw) weight decay', String(d.weightDecay))
    .option('--momentum <x>', 'SGD momentum', String(d.momentum))
    .option('--seed <n>', 'seed of initialisation and shuffling (same seed and data: same weights, bit for bit)', String(d.seed))
    .option('--val-fraction <x>', "share of each key's latest events held out for validation", String(d.valFraction))
    .option('--flat-threshold <x>', 'next_direction: |log return| <= this is "flat"', String(d.flatThreshold))
    .option('--classes <n>', 'class target: number of classes (default: largest index + 1)')
    .option('--ewma-alpha <x>', 'smoothing weight of the EWMA baseline', String(d.ewmaAlpha))
    .option('-q, --quiet', 'do not report each invalid line on standard error')
    .addHelpText('after', '\nSee docs/training.md for targets, the split, the baselines and the files written.')
    .action(async (raw: Record<string, string | boolean | undefined>) => {
      const { sequenceGap, quiet, ...rest } = raw;
      const opts = parseTrainingOptions({ ...(rest as RawTrainingOptions), sequenceGapMs: sequenceGap as string | undefined });
      let warnings = 0;
      const display = progressDisplay(opts.epochs);
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

/** Bars for epochs and batches on a terminal; one line per epoch otherwise. */
function progressDisplay(epochs: number): TrainingProgress & { stop(): void } {
  const epochLine = (r: EpochReport) =>
    `epoch ${r.epoch}/${epochs} train_loss=${fmt(r.trainLoss)} val_loss=${fmt(r.validationLoss)}${r.improved ? ' (best)' : ''}\n`;
  if (!process.stderr.isTTY) {
    return { onEpoch: (r) => process.stderr.write(epochLine(r)), stop() {} };
  }
  const multi = new cliProgress.MultiBar(
    { stream: process.stderr, clearOnComplete: false, hideCursor: true, format: '{label} [{bar}] {value}/{total} {info}' },
    cliProgress.Presets.shades_classic,
  );
  const epochBar = multi.create(epochs, 0, { label: 'epochs ', info: '' });
  const batchBar = multi.create(1, 0, { label: 'batches', info: '' });
  return {
    onEpochStart(_epoch, batches) {
      batchBar.setTotal(batches);
      batchBar.update(0, { info: '' });
    },
    onBatch(_epoch, batch, loss) {
      batchBar.update(batch, { info: `loss ${fmt(loss)}` });
    },
    onEpoch(r) {
      multi.log(epochLine(r));
      epochBar.update(r.epoch, { info: `val_loss ${fmt(r.validationLoss)} best epoch ${r.bestEpoch}` });
    },
    stop() {
      multi.stop();
    },
  };
}

function metricRow(name: string, m: RegressionMetrics | ClassMetrics): string {
  const values = 'mse' in m ? `mse=${fmt(m.mse)} mae=${fmt(m.mae)}${m.qlike === undefined ? '' : ` qlike=${fmt(m.qlike)}`}` : `accuracy=${fmt(m.accuracy)} cross_entropy=${m.crossEntropy === null ? '-' : fmt(m.crossEntropy)}`;
  return `  ${name.padEnd(11)} ${values}`;
}

function fmt(x: number): string {
  return Number.isFinite(x) ? x.toPrecision(6) : String(x);
}
