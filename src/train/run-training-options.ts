/**
 * Options of a training run (`rnn-stream train`), their defaults, and their validation from the
 * command line's strings. Every error is a ConfigError whose key is the option (`--hidden`) and
 * whose message names the value and the rule.
 */
import { basename, extname } from 'node:path';
import { ConfigError } from '../errors/index.js';
import { MARKET_INPUTS, type MarketInput } from '../features/market-features.js';
import { CELL_KINDS, type CellKind } from '../model/cell-kind.js';
import { MAX_DIMENSION } from '../model/model-spec.js';
import { DEFAULT_EWMA_ALPHA } from './baseline-predictors.js';
import { DEFAULT_FLAT_THRESHOLD, defaultLoss, isClassTarget, TARGET_KINDS, VOLATILITY_TARGETS, type TargetKind } from './target-kind.js';
import { isVarianceLoss, type LossKind } from './training-contract.js';

export const OUTPUT_MODES = ['many_to_many', 'many_to_one'] as const;
export const OPTIMIZERS = ['adam', 'adamw', 'sgd'] as const;
export const LOSSES = ['mse', 'huber', 'cross_entropy', 'gaussian_nll', 'qlike'] as const;

/** A validated training run. */
export interface TrainingRunOptions {
  readonly input: string;
  readonly out: string;
  /** Model name: the manifest's `name` and the stem of the files written. */
  readonly name: string;
  readonly cell: CellKind;
  readonly hidden: number;
  readonly layers: number;
  readonly target: TargetKind;
  readonly loss: LossKind;
  readonly huberDelta: number;
  readonly outputMode: (typeof OUTPUT_MODES)[number];
  readonly sequenceGapMs: number | undefined;
  readonly epochs: number;
  readonly lr: number;
  /** Sequences per optimiser batch. */
  readonly batch: number;
  /** Truncated-BPTT window in steps; 0 = full BPTT over each sequence. */
  readonly window: number;
  /** Global gradient-norm clip; 0 = none. */
  readonly clip: number;
  readonly optimizer: (typeof OPTIMIZERS)[number];
  readonly weightDecay: number;
  readonly momentum: number;
  readonly seed: number;
  /** Epochs without a better validation loss before stopping. */
  readonly patience: number;
  readonly valFraction: number;
  readonly flatThreshold: number;
  readonly classes: number | undefined;
  readonly features: readonly MarketInput[];
  readonly ewmaAlpha: number;
  /** `class` target: accept (report and skip) non-integer targets instead of refusing the data. */
  readonly allowContinuousClass: boolean;
}

/** Defaults of every option that has one. */
export const TRAINING_DEFAULTS = {
  cell: 'gru',
  hidden: 32,
  layers: 1,
  huberDelta: 1,
  outputMode: 'many_to_many',
  epochs: 20,
  lr: 0.001,
  batch: 16,
  window: 50,
  clip: 1,
  optimizer: 'adam',
  weightDecay: 0,
  momentum: 0,
  seed: 1,
  patience: 5,
  valFraction: 0.2,
  flatThreshold: DEFAULT_FLAT_THRESHOLD,
  features: MARKET_INPUTS,
  ewmaAlpha: DEFAULT_EWMA_ALPHA,
} as const;

/** Raw option values as the command line gives them (strings; absent = default). */
export type RawTrainingOptions = Partial<Record<keyof TrainingRunOptions, string | undefined>>;

/** Validates raw options and fills defaults; throws ConfigError naming the first bad option. */
export function parseTrainingOptions(raw: RawTrainingOptions): TrainingRunOptions {
  const input = required(raw.input, '--input');
  const out = required(raw.out, '--out');
  const target = oneOf(required(raw.target, '--target'), TARGET_KINDS, '--target');
  const loss = oneOf(raw.loss ?? defaultLoss(target), LOSSES, '--loss');
  if (isVarianceLoss(loss) && !(VOLATILITY_TARGETS as readonly string[]).includes(target)) {
    throw new ConfigError(`--loss ${loss} forecasts a variance: it needs --target ${VOLATILITY_TARGETS.join(' or ')}, got ${target}`, { key: '--loss' });
  }
  if (isClassTarget(target) !== (loss === 'cross_entropy')) {
    throw new ConfigError(
      `--loss ${loss} does not fit --target ${target}: class targets (next_direction, class) need cross_entropy, the others mse or huber (next_abs_logret, next_sq_logret also gaussian_nll, qlike)`,
      { key: '--loss' },
    );
  }
  const outputMode = oneOf(raw.outputMode ?? TRAINING_DEFAULTS.outputMode, OUTPUT_MODES, '--output-mode');
  const sequenceGapMs = raw.sequenceGapMs === undefined ? undefined : number(raw.sequenceGapMs, '--sequence-gap', (v) => v > 0, 'a number of milliseconds > 0');
  if (sequenceGapMs !== undefined && outputMode !== 'many_to_one') {
    throw new ConfigError('--sequence-gap only applies with --output-mode many_to_one', { key: '--sequence-gap' });
  }
  const name = raw.name ?? (basename(input, extname(input)).replace(/[^A-Za-z0-9._-]/g, '_') || 'model');
  if (!/^[A-Za-z0-9._-]{1,200}$/.test(name)) throw new ConfigError(`--name must be 1-200 of A-Z a-z 0-9 . _ -, got ${JSON.stringify(name)}`, { key: '--name' });
  const d = TRAINING_DEFAULTS;
  return {
    input,
    out,
    name,
    cell: oneOf(raw.cell ?? d.cell, CELL_KINDS, '--cell'),
    hidden: integer(raw.hidden, d.hidden, '--hidden', 1, MAX_DIMENSION),
    layers: integer(raw.layers, d.layers, '--layers', 1, 16),
    target,
    loss,
    huberDelta: number(raw.huberDelta ?? String(d.huberDelta), '--huber-delta', (v) => v > 0, 'a number > 0'),
    outputMode,
    sequenceGapMs,
    epochs: integer(raw.epochs, d.epochs, '--epochs', 1, 100_000),
    lr: number(raw.lr ?? String(d.lr), '--lr', (v) => v > 0, 'a number > 0'),
    batch: integer(raw.batch, d.batch, '--batch', 1, 1_000_000),
    window: integer(raw.window, d.window, '--window', 0, 1_000_000_000),
    clip: number(raw.clip ?? String(d.clip), '--clip', (v) => v >= 0, 'a number >= 0 (0 = no clipping)'),
    optimizer: oneOf(raw.optimizer ?? d.optimizer, OPTIMIZERS, '--optimizer'),
    weightDecay: number(raw.weightDecay ?? String(d.weightDecay), '--weight-decay', (v) => v >= 0, 'a number >= 0'),
    momentum: number(raw.momentum ?? String(d.momentum), '--momentum', (v) => v >= 0 && v < 1, 'a number in [0, 1)'),
    seed: integer(raw.seed, d.seed, '--seed', 0, 0xffffffff),
    patience: integer(raw.patience, d.patience, '--patience', 1, 100_000),
    valFraction: number(raw.valFraction ?? String(d.valFraction), '--val-fraction', (v) => v > 0 && v < 1, 'a number strictly between 0 and 1'),
    flatThreshold: number(raw.flatThreshold ?? String(d.flatThreshold), '--flat-threshold', (v) => v >= 0, 'a log return >= 0'),
    classes: raw.classes === undefined ? undefined : integer(raw.classes, 0, '--classes', 2, MAX_DIMENSION),
    features: raw.features === undefined ? d.features : marketInputs(raw.features),
    ewmaAlpha: number(raw.ewmaAlpha ?? String(d.ewmaAlpha), '--ewma-alpha', (v) => v > 0 && v <= 1, 'a number in (0, 1]'),
    allowContinuousClass: raw.allowContinuousClass === 'true',
  };
}

function required(v: string | undefined, key: string): string {
  if (v === undefined || v.trim() === '') throw new ConfigError(`${key} is required`, { key });
  return v;
}

function oneOf<T extends string>(v: string, allowed: readonly T[], key: string): T {
  if (!(allowed as readonly string[]).includes(v)) throw new ConfigError(`${key} must be one of ${allowed.join(', ')}; got ${JSON.stringify(v)}`, { key });
  return v as T;
}

function number(v: string, key: string, ok: (v: number) => boolean, rule: string): number {
  const n = v.trim() === '' ? NaN : Number(v);
  if (!Number.isFinite(n) || !ok(n)) throw new ConfigError(`${key} must be ${rule}; got ${JSON.stringify(v)}`, { key });
  return n;
}

function integer(v: string | undefined, fallback: number, key: string, min: number, max: number): number {
  if (v === undefined) return fallback;
  return number(v, key, (n) => Number.isInteger(n) && n >= min && n <= max, `an integer in ${min}..${max}`);
}

function marketInputs(v: string): MarketInput[] {
  const list = v.split(',').map((s) => s.trim());
  for (const s of list) oneOf(s, MARKET_INPUTS, '--features');
  if (new Set(list).size !== list.length) throw new ConfigError(`--features lists an input twice: ${JSON.stringify(v)}`, { key: '--features' });
  return list as MarketInput[];
}
