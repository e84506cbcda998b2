/**
 * Turns a file of events into per-key training/validation series. Inputs come from the SAME
 * feature transform the stream and backtest use (createFeatureTransform), run over each key's
 * events in file order from a fresh memory, with the normalisation statistics computed on the
 * training steps only. Targets follow target-kind.ts; the split follows split-by-time.ts.
 */
import { DatasetError } from '../errors/index.js';
import { createFeatureTransform } from '../features/create-feature-transform.js';
import { FEATURE_MEMORY_SIZE } from '../features/feature-memory.js';
import type { MarketInput } from '../features/market-features.js';
import { manifestSchema, MODEL_FORMAT, type FeatureSpec } from '../model/manifest.js';
import type { EventFile, EventRecord } from './dataset-event-file.js';
import type { KeySeries } from './dataset-key-series.js';
import { sequenceEnds } from './dataset-sequence-ends.js';
import { normalisationStats, type NormalisationStats } from './normalisation-stats.js';
import { splitByTime } from './split-by-time.js';
import { targetEventKind, type TargetKind } from './target-kind.js';
import { keyTargets, targetShape, type TargetIssue, type TargetShape } from './target-values.js';

/** How to build a dataset; see docs/training.md. */
export interface DatasetOptions {
  readonly target: TargetKind;
  readonly outputMode: 'many_to_many' | 'many_to_one';
  /** Share of each key's events (the latest ones) held out for validation, in (0, 1). */
  readonly valFraction: number;
  /** Many-to-one: a gap longer than this (ms) between a key's events also ends a sequence. */
  readonly sequenceGapMs?: number;
  readonly flatThreshold: number;
  /** Number of classes of a `class` target (default: largest index in the file + 1). */
  readonly classes?: number;
  /** Market inputs derived from ticks, in order. */
  readonly marketInputs: readonly MarketInput[];
}

/** Everything training needs from the events, with what the manifest must record. */
export interface Dataset {
  readonly file: EventFile;
  readonly shape: TargetShape;
  readonly features: FeatureSpec;
  readonly inputSize: number;
  /** Input normalisation, from training steps only. */
  readonly normalisation: NormalisationStats;
  readonly series: readonly KeySeries[];
  readonly targetIssues: readonly TargetIssue[];
}

/** Builds the dataset; throws DatasetError when the events do not fit the target. */
export function buildDataset(file: EventFile, opts: DatasetOptions): Dataset {
  const needs = targetEventKind(opts.target);
  if (needs !== file.kind) {
    throw new DatasetError(`target "${opts.target}" needs ${needs} events, but the file holds ${file.kind} events`, { file: file.path });
  }
  const features: FeatureSpec = file.kind === 'tick' ? { kind: 'market', inputs: [...opts.marketInputs] } : { kind: 'vector' };
  const inputSize = file.kind === 'tick' ? opts.marketInputs.length : file.vectorSize;
  const shape = targetShape(opts.target, file.records, opts.flatThreshold, opts.classes);
  const byKey = groupByKey(file.records);
  const issues: TargetIssue[] = [];
  const tickTarget = file.kind === 'tick';
  const parts = [...byKey].map(([key, records]) => {
    const events = records.map((r) => r.event);
    const ends = opts.outputMode === 'many_to_one' ? sequenceEnds(events, opts.sequenceGapMs) : new Uint8Array(events.length);
    const isStart = opts.outputMode === 'many_to_one' ? (i: number) => ends[i - 1] === 1 : undefined;
    const cut = splitByTime(Float64Array.from(events, (e) => e.ts), opts.valFraction, isStart);
    const { values, has } = keyTargets(records, shape, issues);
    const T = records.length;
    const trainMask = new Uint8Array(T);
    const valMask = new Uint8Array(T);
    for (let t = 0; t < T; t++) {
      const scored = has[t] === 1 && (opts.outputMode === 'many_to_many' || ends[t] === 1);
      // A tick target is about event t+1: the last training step's target is a validation event.
      if (t < cut) trainMask[t] = scored && !(tickTarget && t === cut - 1 && cut < T) ? 1 : 0;
      else valMask[t] = scored ? 1 : 0;
    }
    return { key, records, targets: values, hasTarget: has, ends, trainMask, valMask, cut };
  });
  const raw = parts.map((p) => transformAll(p.records, features, inputSize));
  const normalisation = normalisationStats(raw, parts.map((p) => p.cut), inputSize);
  const series = parts.map((p) => ({ ...p, inputs: transformAll(p.records, features, inputSize, normalisation) }));
  return { file, shape, features, inputSize, normalisation, series, targetIssues: issues };
}

function groupByKey(records: readonly EventRecord[]): Map<string, EventRecord[]> {
  const byKey = new Map<string, EventRecord[]>();
  for (const r of records) {
    const list = byKey.get(r.event.key);
    if (list) list.push(r);
    else byKey.set(r.event.key, [r]);
  }
  return byKey;
}

/** Runs the serving feature transform over one key's events from a fresh memory. */
function transformAll(records: readonly EventRecord[], features: FeatureSpec, inputSize: number, normalisation?: NormalisationStats): Float64Array {
  const transform = createFeatureTransform(featureManifest(features, inputSize, normalisation));
  const memory = new Float64Array(FEATURE_MEMORY_SIZE);
  const x = new Float32Array(inputSize);
  const out = new Float64Array(records.length * inputSize);
  records.forEach((r, t) => {
    transform.apply(r.event, memory, x);
    out.set(x, t * inputSize);
  });
  return out;
}

/** A manifest carrying only what the feature transform reads (features, sizes, normalisation). */
function featureManifest(features: FeatureSpec, inputSize: number, normalisation?: NormalisationStats) {
  return manifestSchema.parse({
    format: MODEL_FORMAT,
    name: 'features',
    cell: 'gru',
    inputSize,
    hiddenSize: 1,
    numLayers: 1,
    outputSize: 1,
    weights: 'none',
    features,
    normalisation,
  });
}
