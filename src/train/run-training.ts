/**
 * A whole training run, as `rnn-stream train` performs it: read and decode the events, build
 * the dataset (targets, time-ordered split, normalisation from the training part), train with
 * early stopping, save the best model, run the validation events through the saved model on
 * the serving path, and record metrics next to the naive baselines in the manifest.
 *
 * Files written to `out`: `<name>.json` (manifest), `<name>.safetensors` (weights) and
 * `validation-predictions.jsonl` (the backtest lines of the validation events).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DatasetError } from '../errors/index.js';
import { initParams } from '../model/init-params.js';
import { loadModel } from '../model/load-model.js';
import { SeededRandom } from '../model/random.js';
import { RnnModel } from '../model/rnn-model.js';
import { saveModel } from '../model/save-model.js';
import type { ClassMetrics, RegressionMetrics } from './baseline-metrics.js';
import { classBaselines, regressionBaselines } from './baseline-predictors.js';
import { buildDataset } from './dataset-build.js';
import { readEventFile } from './dataset-event-file.js';
import { trainingSequences, validationSequences } from './dataset-sequences.js';
import { runTrainingLoop, type LoopProgress, type LoopResult } from './run-training-loop.js';
import { outputSection, provenanceSection } from './run-training-manifest.js';
import type { TrainingRunOptions } from './run-training-options.js';
import { validateThroughRuntime } from './run-training-validation.js';
import { isClassTarget } from './target-kind.js';
import { targetStandardisation } from './target-standardisation.js';
import { Trainer } from './trainer.js';

/** Progress callbacks of a run: the loop's, plus warnings (rejected lines, unusable targets). */
export interface TrainingProgress extends LoopProgress {
  onWarning?(text: string): void;
}

/** Validation metrics of the model and of each baseline, side by side. */
export interface ValidationMetrics {
  readonly model: RegressionMetrics | ClassMetrics;
  readonly baselines: Record<string, RegressionMetrics | ClassMetrics>;
}

/** What a run produced. */
export interface TrainingResult {
  readonly manifestPath: string;
  readonly weightsPath: string;
  readonly predictionsPath: string;
  readonly loop: LoopResult;
  readonly validation: ValidationMetrics;
}

/** Name of the validation predictions file written next to the model. */
export const VALIDATION_PREDICTIONS_FILE = 'validation-predictions.jsonl';

/** Runs the training described by `opts` (already validated: parseTrainingOptions). */
export async function runTraining(opts: TrainingRunOptions, progress: TrainingProgress = {}, now: () => Date = () => new Date()): Promise<TrainingResult> {
  const file = await readEventFile(opts.input);
  for (const r of file.rejected) progress.onWarning?.(`line ${r.line}: ${r.reason}: ${r.detail}`);
  const ds = buildDataset(file, {
    target: opts.target,
    outputMode: opts.outputMode,
    valFraction: opts.valFraction,
    sequenceGapMs: opts.sequenceGapMs,
    flatThreshold: opts.flatThreshold,
    classes: opts.classes,
    marketInputs: opts.features,
  });
  for (const i of ds.targetIssues) progress.onWarning?.(`line ${i.line}: unusable target (step kept without one): ${i.detail}`);
  const classes = isClassTarget(ds.shape.kind);
  const targetScale = classes ? undefined : targetStandardisation(ds.series, ds.shape.width);
  const manyToOne = opts.outputMode === 'many_to_one';
  const train = trainingSequences(ds.series, ds.inputSize, ds.shape.width, manyToOne, targetScale);
  const validation = validationSequences(ds.series, ds.inputSize, ds.shape.width, targetScale);
  if (train.length === 0) throw new DatasetError('the training split has no step with a target', { file: opts.input });
  if (validation.length === 0) {
    throw new DatasetError('the validation split has no step with a target (more events per key, or a larger --val-fraction)', { file: opts.input });
  }

  const spec = { cell: opts.cell, inputSize: ds.inputSize, hiddenSize: opts.hidden, numLayers: opts.layers, outputSize: ds.shape.outputSize };
  const rng = new SeededRandom(opts.seed);
  const trainer = new Trainer({
    spec,
    initial: initParams(spec, rng),
    loss: opts.loss,
    huberDelta: opts.huberDelta,
    optimizer: { kind: opts.optimizer, lr: opts.lr, weightDecay: opts.weightDecay, momentum: opts.momentum },
    clipNorm: opts.clip,
    tbptt: opts.window,
  });
  const loop = await runTrainingLoop(trainer, train, validation, opts, rng, progress);

  const model = new RnnModel(spec, loop.best);
  const manifest = {
    name: opts.name,
    features: ds.features,
    normalisation: ds.normalisation,
    outputMode: opts.outputMode,
    ...(opts.sequenceGapMs === undefined ? {} : { sequenceGapMs: opts.sequenceGapMs }),
    output: outputSection(ds, targetScale),
    provenance: provenanceSection(ds, opts, loop, now()),
  };
  const saved = await saveModel(opts.out, manifest, model);
  const runtime = validateThroughRuntime(await loadModel(saved.manifestPath), ds.series, ds.shape);
  const predictionsPath = join(opts.out, VALIDATION_PREDICTIONS_FILE);
  await writeFile(predictionsPath, runtime.lines.map((l) => `${l}\n`).join(''));
  const baselines = classes
    ? classBaselines(ds.series, ds.shape.outputSize)
    : regressionBaselines(ds.series, ds.shape.width, targetScale!.mean, opts.ewmaAlpha);
  const metrics = { validation: { model: runtime.metrics, baselines }, loss: opts.loss, bestValidationLoss: loop.bestValidationLoss };
  // Same weights, same bytes: only the manifest gains its metrics.
  await saveModel(opts.out, { ...manifest, metrics }, model);
  return { ...saved, predictionsPath, loop, validation: { model: runtime.metrics, baselines } };
}
