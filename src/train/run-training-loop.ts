/**
 * The epoch loop of a training run: seeded shuffling of the training sequences into batches,
 * one Trainer.trainBatch per batch, the validation loss after every epoch, and early stopping
 * that keeps the parameters of the best epoch.
 */
import type { ModelParams } from '../model/model-params.js';
import type { SeededRandom } from '../model/random.js';
import { EarlyStop } from './early-stop.js';
import type { Trainer } from './trainer.js';
import type { TrainingSequence } from './training-contract.js';

/** What happened in one epoch. */
export interface EpochReport {
  readonly epoch: number;
  /** Mean of the batches' losses (each measured before its update). */
  readonly trainLoss: number;
  readonly validationLoss: number;
  /** The validation loss is the best so far (these parameters are kept). */
  readonly improved: boolean;
  readonly bestEpoch: number;
}

/** Callbacks for progress display; all optional. */
export interface LoopProgress {
  onEpochStart?(epoch: number, batches: number): void;
  onBatch?(epoch: number, batch: number, loss: number): void;
  onEpoch?(report: EpochReport): void;
}

/** The kept parameters and the history. */
export interface LoopResult {
  /** Parameters after the best epoch; the initial ones when no epoch gave a finite validation loss (bestEpoch 0). */
  readonly best: ModelParams;
  /** Token models: the embedding table of the same epoch. */
  readonly bestEmbedding?: Float32Array;
  readonly bestEpoch: number;
  readonly bestValidationLoss: number;
  readonly epochsRun: number;
  readonly history: readonly EpochReport[];
}

/** Loop settings (validated by the caller). */
export interface LoopOptions {
  readonly epochs: number;
  readonly batch: number;
  readonly patience: number;
}

/**
 * Trains for up to `epochs` epochs, stopping after `patience` epochs without a better
 * validation loss. The order of the sequences is reshuffled with `rng` every epoch, so the
 * same seed gives the same batches. Yields to the event loop after every batch (progress
 * output, signals).
 */
export async function runTrainingLoop(
  trainer: Trainer,
  train: readonly TrainingSequence[],
  validation: readonly TrainingSequence[],
  opts: LoopOptions,
  rng: SeededRandom,
  progress: LoopProgress = {},
): Promise<LoopResult> {
  const stop = new EarlyStop(opts.patience);
  let best = trainer.params();
  let bestEmbedding = trainer.embedding();
  const history: EpochReport[] = [];
  const order = train.map((_, i) => i);
  const batches = Math.ceil(train.length / opts.batch);
  for (let epoch = 1; epoch <= opts.epochs; epoch++) {
    rng.shuffle(order);
    progress.onEpochStart?.(epoch, batches);
    let sum = 0;
    let counted = 0;
    for (let b = 0; b < batches; b++) {
      const batch = order.slice(b * opts.batch, (b + 1) * opts.batch).map((i) => train[i]);
      const { loss } = trainer.trainBatch(batch);
      if (Number.isFinite(loss)) {
        sum += loss;
        counted++;
      }
      progress.onBatch?.(epoch, b + 1, loss);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const validationLoss = trainer.evaluate(validation).loss;
    const improved = stop.observe(validationLoss);
    if (improved) {
      best = trainer.params();
      bestEmbedding = trainer.embedding();
    }
    const report = { epoch, trainLoss: counted > 0 ? sum / counted : NaN, validationLoss, improved, bestEpoch: stop.bestEpoch };
    history.push(report);
    progress.onEpoch?.(report);
    if (stop.shouldStop()) break;
  }
  return { best, ...(bestEmbedding ? { bestEmbedding } : {}), bestEpoch: stop.bestEpoch, bestValidationLoss: stop.bestLoss, epochsRun: history.length, history };
}
