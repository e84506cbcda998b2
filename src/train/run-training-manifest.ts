/**
 * The manifest sections a training run writes besides the model's shape: how to read the
 * output, and the provenance of the run (data, split, hyper-parameters, epochs).
 */
import type { ModelManifestInput } from '../model/manifest.js';
import type { Dataset, SplitRule } from './dataset-build.js';
import { summariseSplit } from './dataset-key-series.js';
import type { NormalisationStats } from './normalisation-stats.js';
import type { LoopResult } from './run-training-loop.js';
import type { TrainingRunOptions } from './run-training-options.js';
import { DIRECTION_CLASSES, isClassTarget } from './target-kind.js';

/** Keys listed by name in the provenance; beyond this only their count is kept. */
export const MAX_LISTED_KEYS = 100;

/**
 * The `output` section: softmax over classes, de-standardisation of regression outputs, or (a
 * variance loss) exp of a log variance times the proxy's training mean (variance-target.ts).
 */
export function outputSection(ds: Dataset, targetScale: NormalisationStats | undefined, variance = false): NonNullable<ModelManifestInput['output']> {
  const kind = ds.shape.kind;
  if (variance) return { names: ['variance'], mean: targetScale?.mean, std: targetScale?.std, decode: 'log_variance', target: kind };
  if (isClassTarget(kind)) {
    return kind === 'next_direction'
      ? { names: [...DIRECTION_CLASSES], decode: 'softmax', target: kind, flatThreshold: ds.shape.flatThreshold }
      : { decode: 'softmax', target: kind };
  }
  return {
    ...(ds.shape.width === 1 ? { names: [kind] } : {}),
    mean: targetScale?.mean,
    std: targetScale?.std,
    decode: 'identity',
    target: kind,
  };
}

/** The `provenance` section. `trainedAt` is the only field that differs between identical runs. */
export function provenanceSection(ds: Dataset, opts: TrainingRunOptions, split: SplitRule, loop: LoopResult, trainedAt: Date): Record<string, unknown> {
  const { input: _input, out: _out, name: _name, ...hyperParameters } = opts;
  const keys = ds.series.map((s) => s.key);
  const train = summariseSplit(ds.series, 'train');
  const validation = summariseSplit(ds.series, 'validation');
  const test = summariseSplit(ds.series, 'test');
  const data = ds.data;
  return {
    ...data.source,
    inputSha256: data.sha256,
    eventKind: data.kind,
    validEvents: data.validEvents,
    rejected: data.rejected,
    rejectedByReason: data.rejectedByReason,
    timestampRegressions: data.timestampRegressions,
    unusableTargets: ds.targetIssues.length,
    dataRange: { from: earliest(earliest(train.from, validation.from), test.from), to: latest(latest(train.to, validation.to), test.to) },
    split:
      split.kind === 'fraction'
        ? {
            rule: 'per key, the latest events (in arrival order, cut where every later ts is strictly greater) are validation',
            valFraction: split.valFraction,
            train,
            validation,
          }
        : {
            rule: 'calendar time across all keys: train < validateFrom <= validation < testFrom <= test (cut at the first event of each key at or after each instant)',
            validateFrom: new Date(split.validateFrom).toISOString(),
            testFrom: split.testFrom === undefined ? null : new Date(split.testFrom).toISOString(),
            train,
            validation,
            test,
          },
    keys: { count: keys.length, names: keys.slice(0, MAX_LISTED_KEYS) },
    seed: opts.seed,
    hyperParameters,
    epochsRun: loop.epochsRun,
    bestEpoch: loop.bestEpoch,
    bestValidationLoss: Number.isFinite(loop.bestValidationLoss) ? loop.bestValidationLoss : null,
    history: loop.history.map((h) => ({ epoch: h.epoch, trainLoss: h.trainLoss, validationLoss: h.validationLoss })),
    trainedAt: trainedAt.toISOString(),
  };
}

function earliest(a: string | null, b: string | null): string | null {
  return a === null ? b : b === null || a <= b ? a : b;
}

function latest(a: string | null, b: string | null): string | null {
  return a === null ? b : b === null || a >= b ? a : b;
}
