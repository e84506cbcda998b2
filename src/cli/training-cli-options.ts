import type { Command } from 'commander';
import { MARKET_INPUTS } from '../features/market-features.js';
import { CELL_KINDS } from '../model/cell-kind.js';
import { LOSSES, OPTIMIZERS, OUTPUT_MODES, TRAINING_DEFAULTS } from '../train/run-training-options.js';

/** Adds the model and optimisation options `train` and `retrain` share (docs/training.md). */
export function addTrainingOptions(command: Command): Command {
  const d = TRAINING_DEFAULTS;
  return command
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
    .option('--flat-threshold <x>', 'next_direction: |log return| <= this is "flat"', String(d.flatThreshold))
    .option('--classes <n>', 'class target: number of classes (default: largest index + 1)')
    .option('--ewma-alpha <x>', 'EWMA variance baseline: weight of the newest squared return (1 - lambda; 0.06 is RiskMetrics)', String(d.ewmaAlpha))
    .option('--allow-continuous-class', 'class target: accept non-integer targets (they are reported and skipped)')
    .option('-q, --quiet', 'do not report each invalid input on standard error');
}
