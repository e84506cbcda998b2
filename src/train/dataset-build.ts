/**
 * Turns the events of a run (EventSet) into per-key training/validation/test series. Inputs come
 * from the SAME feature transform the stream and backtest use (createFeatureTransform), run over
 * each key's events in arrival order from a fresh memory, with the normalisation statistics
 * computed on the training steps only. Targets follow target-kind.ts; the split is either the
 * latest share of each key's events (split-by-time.ts) or calendar time across all keys
 * (split-at-times.ts).
 */
import { DatasetError } from '../errors/index.js';
import type { MarketInput } from '../features/market-features.js';
import type { FeatureSpec } from '../model/manifest.js';
import { datasetInputs } from './dataset-inputs.js';
import type { KeySeries } from './dataset-key-series.js';
import { sequenceEnds } from './dataset-sequence-ends.js';
import type { EventSet, TargetIssue } from './event-set.js';
import type { NormalisationStats } from './normalisation-stats.js';
import { splitAtTimes } from './split-at-times.js';
import { splitByTime } from './split-by-time.js';
import { targetEventKind, type TargetKind } from './target-kind.js';
import { keyTargets, targetShape, type TargetShape } from './target-values.js';

/**
 * How to split: `fraction` holds out the latest share of each key's events for validation;
 * `time` splits every key at the same instants (training < validateFrom <= validation <
 * testFrom <= test).
 */
export type SplitRule =
  | { readonly kind: 'fraction'; readonly valFraction: number }
  | { readonly kind: 'time'; readonly validateFrom: number; readonly testFrom?: number };

/** How to build a dataset; see docs/training.md. */
export interface DatasetOptions {
  readonly target: TargetKind;
  readonly outputMode: 'many_to_many' | 'many_to_one';
  readonly split: SplitRule;
  /** Many-to-one: a gap longer than this (ms) between a key's events also ends a sequence. */
  readonly sequenceGapMs?: number;
  readonly flatThreshold: number;
  /** Number of classes of a `class` target (default: largest index in the data + 1). */
  readonly classes?: number;
  /** Market inputs derived from ticks, in order. */
  readonly marketInputs: readonly MarketInput[];
  /** `class` target: skip non-integer targets (reported) instead of refusing the data. */
  readonly allowContinuousClass?: boolean;
}

/** Everything training needs from the events, with what the manifest must record. */
export interface Dataset {
  readonly data: EventSet;
  readonly shape: TargetShape;
  readonly features: FeatureSpec;
  readonly inputSize: number;
  /** Input normalisation, from training steps only. */
  readonly normalisation: NormalisationStats;
  readonly series: readonly KeySeries[];
  readonly targetIssues: readonly TargetIssue[];
}

/** Builds the dataset; throws DatasetError when the events do not fit the target. */
export function buildDataset(data: EventSet, opts: DatasetOptions): Dataset {
  const needs = targetEventKind(opts.target);
  if (needs !== data.kind) {
    throw new DatasetError(`target "${opts.target}" needs ${needs} events, but the input holds ${data.kind} events`, { file: data.label });
  }
  const features: FeatureSpec = data.kind === 'tick' ? { kind: 'market', inputs: [...opts.marketInputs] } : { kind: 'vector' };
  const inputSize = data.kind === 'tick' ? opts.marketInputs.length : data.vectorSize;
  const shape = targetShape(opts.target, data.keys, opts.flatThreshold, opts.classes, opts.allowContinuousClass);
  const issues: TargetIssue[] = [...data.targetIssues];
  const tickTarget = data.kind === 'tick';
  const manyToOne = opts.outputMode === 'many_to_one';
  // Every key's arrays are views of one array per kind (no allocation per key and array).
  const total = data.keys.reduce((n, k) => n + k.length, 0);
  const w = shape.width;
  const all = {
    targets: new Float64Array(total * w),
    has: new Uint8Array(total),
    ends: new Uint8Array(total),
    masks: new Uint8Array(3 * total),
    inputs: new Float64Array(total * inputSize),
  };
  const tsScratch = new Float64Array(data.keys.reduce((n, k) => Math.max(n, k.length), 0));
  let at = 0;
  const parts = data.keys.map((events) => {
    const T = events.length;
    const ends = all.ends.subarray(at, at + T);
    if (manyToOne) sequenceEnds(events, opts.sequenceGapMs, ends);
    const isStart = manyToOne ? (i: number) => ends[i - 1] === 1 : undefined;
    const ts = events.timestamps(tsScratch.subarray(0, T));
    const { cut, testCut } =
      opts.split.kind === 'fraction'
        ? { cut: splitByTime(ts, opts.split.valFraction, isStart), testCut: T }
        : splitAtTimes(ts, opts.split.validateFrom, opts.split.testFrom);
    const { values, has } = keyTargets(events, shape, issues, { values: all.targets.subarray(at * w, (at + T) * w), has: all.has.subarray(at, at + T) });
    const trainMask = all.masks.subarray(3 * at, 3 * at + T);
    const valMask = all.masks.subarray(3 * at + T, 3 * at + 2 * T);
    const testMask = all.masks.subarray(3 * at + 2 * T, 3 * (at + T));
    for (let t = 0; t < T; t++) {
      const scored = has[t] === 1 && (!manyToOne || ends[t] === 1);
      // A tick target is about event t+1: the last step of a part has its target in the next part.
      if (t < cut) trainMask[t] = scored && !(tickTarget && t === cut - 1 && cut < T) ? 1 : 0;
      else if (t < testCut) valMask[t] = scored && !(tickTarget && t === testCut - 1 && testCut < T) ? 1 : 0;
      else testMask[t] = scored ? 1 : 0;
    }
    const inputs = all.inputs.subarray(at * inputSize, (at + T) * inputSize);
    at += T;
    return { key: events.key, events, targets: values, hasTarget: has, ends, trainMask, valMask, testMask, cut, testCut, inputs };
  });
  // One pass of the feature transform per key, into each key's inputs; the statistics read each key's training part only.
  const { normalisation } = datasetInputs(parts, features, inputSize);
  const series = parts;
  return { data, shape, features, inputSize, normalisation, series, targetIssues: issues };
}
