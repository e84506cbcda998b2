/**
 * A whole training run, as `rnn-stream train` performs it: read and decode the events of a file
 * (as a stream), then {@link trainOnEvents}: build the dataset (targets, time-ordered split,
 * normalisation from the training part), train with early stopping, save the best model, run
 * the validation events through the saved model on the serving path, and record metrics next to
 * the naive baselines in the manifest.
 *
 * Files written to `out`: `<name>.json` (manifest), `<name>.safetensors` (weights) and
 * `validation-predictions.jsonl` (the backtest lines of the validation events).
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, DatasetError } from '../errors/index.js';
import { initParams } from '../model/init-params.js';
import { loadModel } from '../model/load-model.js';
import { SeededRandom } from '../model/random.js';
import { RnnModel } from '../model/rnn-model.js';
import { saveModel, type SavedModel } from '../model/save-model.js';
import { qlikeMode, type ClassMetrics, type RegressionMetrics } from './baseline-metrics.js';
import { classBaselines, fitRegressionBaselines, regressionBaselines } from './baseline-predictors.js';
import { buildDataset, type Dataset, type SplitRule } from './dataset-build.js';
import { trainingSequences, validationSequences } from './dataset-sequences.js';
import { dataWarnings } from './data-warnings.js';
import type { EventSet, OnRejected } from './event-set.js';
import { readEventFile } from './read-event-file.js';
import { runTrainingLoop, type LoopProgress, type LoopResult } from './run-training-loop.js';
import { outputSection, provenanceSection } from './run-training-manifest.js';
import type { TrainingRunOptions } from './run-training-options.js';
import { validateThroughRuntime, writeValidationPredictions } from './run-training-validation.js';
import { isClassTarget, targetEventKind } from './target-kind.js';
import { targetStandardisation } from './target-standardisation.js';
import { Trainer } from './trainer.js';
import { isVarianceLoss } from './training-contract.js';
import { toVarianceProxy, varianceScale } from './variance-target.js';

/** Progress callbacks of a run: the loop's, plus warnings (rejected lines, unusable targets). */
export interface TrainingProgress extends LoopProgress {
  onWarning?(text: string): void;
  /** Bytes of the input file read so far. */
  onRead?(bytesRead: number, totalBytes: number): void;
}

/** Metrics of the model and of each baseline on one part (validation or test), side by side. */
export interface ValidationMetrics {
  readonly model: RegressionMetrics | ClassMetrics;
  readonly baselines: Record<string, RegressionMetrics | ClassMetrics>;
}

/** What a run produced. */
export interface TrainingResult extends SavedModel {
  readonly predictionsPath: string;
  readonly loop: LoopResult;
  readonly validation: ValidationMetrics;
  /** The same on the test window, when the split has one. */
  readonly test?: ValidationMetrics;
  readonly dataset: Dataset;
  readonly data: EventSet;
}

/** Name of the validation predictions file written next to the model. */
export const VALIDATION_PREDICTIONS_FILE = 'validation-predictions.jsonl';

/** Runs the training described by `opts` (already validated: parseTrainingOptions) on its input file. */
export async function runTraining(opts: TrainingRunOptions, progress: TrainingProgress = {}, now: () => Date = () => new Date()): Promise<TrainingResult> {
  await checkOutputDirectory(opts.out);
  const onRejected: OnRejected = (at, reason, detail) => progress.onWarning?.(`line ${at.pos}: ${reason}: ${detail}`);
  const data = await readEventFile(opts.input, targetEventKind(opts.target), onRejected, progress.onRead);
  return trainOnEvents(data, opts, { kind: 'fraction', valFraction: opts.valFraction }, progress, now);
}

/** Fails before any work when `out` exists and is not a directory (the model files go inside it). */
export async function checkOutputDirectory(out: string): Promise<void> {
  const info = await stat(out).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw new ConfigError(`--out ${out} cannot be used: ${err.message}`, { key: '--out' });
  });
  if (info && !info.isDirectory()) throw new ConfigError(`--out ${out} is an existing file; it must be a directory (new or existing)`, { key: '--out' });
}

/** Trains on events already read, split by `split`; see the file comment. */
export async function trainOnEvents(
  data: EventSet,
  opts: TrainingRunOptions,
  split: SplitRule,
  progress: TrainingProgress = {},
  now: () => Date = () => new Date(),
): Promise<TrainingResult> {
  const ds = buildDataset(data, {
    target: opts.target,
    outputMode: opts.outputMode,
    split,
    sequenceGapMs: opts.sequenceGapMs,
    flatThreshold: opts.flatThreshold,
    classes: opts.classes,
    marketInputs: opts.features,
    allowContinuousClass: opts.allowContinuousClass,
  });
  for (const i of ds.targetIssues) progress.onWarning?.(`${at(i.at)}: unusable target (step kept without one): ${i.detail}`);
  for (const w of dataWarnings(data)) progress.onWarning?.(w);
  const classes = isClassTarget(ds.shape.kind);
  const variance = isVarianceLoss(opts.loss);
  if (variance) toVarianceProxy(ds.series, ds.shape.kind);
  const targetScale = classes ? undefined : variance ? varianceScale(ds.series) : targetStandardisation(ds.series, ds.shape.width);
  const manyToOne = opts.outputMode === 'many_to_one';
  const train = trainingSequences(ds.series, ds.inputSize, ds.shape.width, manyToOne, targetScale);
  const validation = validationSequences(ds.series, ds.inputSize, ds.shape.width, targetScale);
  if (train.length === 0) throw new DatasetError(`the training split has no step with a target${emptySplitHint(data, split)}`, { file: data.label });
  if (validation.length === 0) throw new DatasetError(`the validation split has no step with a target${emptySplitHint(data, split)}`, { file: data.label });

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
    output: outputSection(ds, targetScale, variance),
    provenance: provenanceSection(ds, opts, split, loop, now()),
  };
  const saved = await saveModel(opts.out, manifest, model);
  const predictionsPath = join(opts.out, VALIDATION_PREDICTIONS_FILE);
  const runtime = writeValidationPredictions(await loadModel(saved.manifestPath), ds.series, ds.shape, predictionsPath);
  // Variance models train on the proxy r^2 (scaled by its training mean, kept as output.std).
  const volatility = qlikeMode(ds.shape.kind, variance);
  const trainMean = variance ? targetScale!.std : targetScale?.mean;
  const fit = classes ? undefined : fitRegressionBaselines(ds.series, ds.shape, ds.inputSize, trainMean!, opts.ewmaAlpha, volatility);
  const baselinesOf = (which: 'validation' | 'test') => (fit ? regressionBaselines(ds.series, fit, which) : classBaselines(ds.series, ds.shape.outputSize, which));
  const validationMetrics = { model: runtime.metrics, baselines: baselinesOf('validation') };
  const hasTest = split.kind === 'time' && split.testFrom !== undefined;
  const test = hasTest ? { model: validateThroughRuntime(await loadModel(saved.manifestPath), ds.series, ds.shape, 'test').metrics, baselines: baselinesOf('test') } : undefined;
  const metrics = {
    validation: validationMetrics,
    ...(test ? { test } : {}),
    ...(fit?.volatility ? { garch11: fit.volatility.garch } : {}),
    loss: opts.loss,
    bestValidationLoss: loop.bestValidationLoss,
  };
  // Same weights, same bytes: only the manifest gains its metrics.
  await saveModel(opts.out, { ...manifest, metrics }, model);
  return { ...saved, predictionsPath, loop, validation: validationMetrics, ...(test ? { test } : {}), dataset: ds, data };
}

/** `line N` for a file, `partition P offset O` for Kafka. */
export function at(position: { partition: number; pos: number }): string {
  return position.partition < 0 ? `line ${position.pos}` : `partition ${position.partition} offset ${position.pos}`;
}

/** Why a split can be empty, when the data says so. */
function emptySplitHint(data: EventSet, split: SplitRule): string {
  const pairs = data.validEvents - data.keys.length;
  if (pairs > 0 && data.equalTimestamps === pairs) return ': every event of each key has the same timestamp, so no time-ordered split exists';
  if (pairs > 0 && data.timestampRegressions * 2 > pairs) return ': most events are earlier than their key\'s previous one (newest first?); sort the input oldest first';
  if (split.kind === 'fraction') return ' (more events per key, or a larger --val-fraction)';
  return ' (check --from, --validate-from and --test-from against the data\'s time range)';
}
