/**
 * What live scoring of a model measures, read from its manifest: the target (the one training
 * used, `output.target`), where it comes from, how a prediction is compared with it, and the
 * naive baseline it is weighed against:
 *
 *   tick models (the target of step t comes from the key's next tick: `next_tick`)
 *   next_logret, next_abs_logret, next_sq_logret   regression: squared and absolute error, and
 *        QLIKE for volatility forecasts (quality/qlike.ts); a log-variance model is scored on
 *        the proxy r^2, as training scores it
 *   next_direction                                 classes: hit (argmax = class of the return)
 *
 *   vector models (the target of step t is event t's own `target`, as training defines it:
 *   `event_target`; many-to-one models only at events that end a sequence, as training scores)
 *   value    regression: squared and absolute error, averaged over the target's numbers
 *   class    classes: hit (argmax = the event's class index)
 *
 *   token models
 *   next_token  classes: hit (argmax = the id of the key's next token, within a sequence: not
 *               across an `end`): `next_token`
 *   label       not scored: a text classifier's label is not in its token events
 *
 * The primary measure (the skill's and the drift detector's) is QLIKE for variance forecasts,
 * the miss rate for classes, the MSE otherwise. The baseline is the best, by that measure, of
 * the manifest's validation baselines that can be computed live from a key's state
 * (live-baseline.ts); without metrics in the manifest, `train_mean` (regression) or `last_class`.
 */
import type { ModelManifest } from '../model/manifest.js';
import { qlikeMode, type QlikeMode } from './qlike.js';

/** Baselines live scoring can compute from a key's state (see live-baseline.ts). */
export const LIVE_BASELINES = ['zero', 'train_mean', 'last_value', 'ewma_variance', 'last_class', 'last_token'] as const;
export type LiveBaseline = (typeof LIVE_BASELINES)[number];

/** The measure that decides skill and drift. */
export type PrimaryMeasure = 'mse' | 'qlike' | 'miss_rate';

/** A model's live-scoring definition. */
export interface LiveScoreSpec {
  readonly target: 'next_logret' | 'next_abs_logret' | 'next_sq_logret' | 'next_direction' | 'value' | 'class' | 'next_token';
  /** Where a step's target comes from (see the file header). */
  readonly source: 'next_tick' | 'event_target' | 'next_token';
  /** Numbers per target (a `value` target's width; 1 otherwise). */
  readonly width: number;
  /** event_target: only events that end a sequence are scored (many-to-one models). */
  readonly endsOnly: boolean;
  readonly classes: boolean;
  /** Regression: the target is r^2 (a log-variance model), whatever `target` says. */
  readonly varianceForecast: boolean;
  readonly qlike: QlikeMode;
  readonly primary: PrimaryMeasure;
  readonly baseline: LiveBaseline;
  /** next_direction: returns with |r| <= this are flat. */
  readonly flatThreshold: number;
  /** The model's validation value of the primary measure in the manifest, when recorded (> 0). */
  readonly validationLoss: number | undefined;
}

/** The spec of `manifest`, or why it cannot be scored live. */
export function liveScoreSpec(manifest: ModelManifest): LiveScoreSpec | { readonly unscored: string } {
  if (manifest.features.kind === 'vector') return vectorSpec(manifest);
  if (manifest.features.kind === 'token') return tokenSpec(manifest);
  const out = manifest.output;
  const target = out?.target;
  if (target !== 'next_logret' && target !== 'next_abs_logret' && target !== 'next_sq_logret' && target !== 'next_direction') {
    return { unscored: `output.target ${JSON.stringify(target ?? null)} is not a tick target (next_logret, next_abs_logret, next_sq_logret, next_direction)` };
  }
  if (manifest.outputMode !== 'many_to_many') return { unscored: 'many-to-one models are not scored live' };
  const classes = target === 'next_direction';
  if (classes ? manifest.outputSize !== 3 || out?.decode !== 'softmax' : manifest.outputSize !== 1 || out?.decode === 'softmax') {
    return { unscored: `output of size ${manifest.outputSize} decoded by ${out?.decode ?? 'identity'} does not fit target ${target}` };
  }
  const varianceForecast = out?.decode === 'log_variance';
  const qlike = classes ? 'none' : qlikeMode(target, varianceForecast);
  const primary: PrimaryMeasure = classes ? 'miss_rate' : qlike === 'variance' ? 'qlike' : 'mse';
  const flat = (out as { flatThreshold?: unknown }).flatThreshold;
  const validation = validationMetrics(manifest);
  return {
    target,
    source: 'next_tick',
    width: 1,
    endsOnly: false,
    classes,
    varianceForecast,
    qlike,
    primary,
    baseline: bestBaseline(validation?.baselines, classes, primary, qlike),
    flatThreshold: typeof flat === 'number' && flat >= 0 ? flat : 0,
    validationLoss: lossOf(validation?.model, primary),
  };
}

function lossOf(m: Record<string, unknown> | undefined, primary: PrimaryMeasure): number | undefined {
  const v = primary === 'miss_rate' ? (typeof m?.accuracy === 'number' ? 1 - m.accuracy : undefined) : m?.[primary];
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined;
}

function bestBaseline(recorded: Record<string, Record<string, unknown>> | undefined, classes: boolean, primary: PrimaryMeasure, qlike: QlikeMode): LiveBaseline {
  const usable = (name: string): name is LiveBaseline =>
    classes
      ? name === 'last_class'
      : (LIVE_BASELINES as readonly string[]).includes(name) && name !== 'last_class' && name !== 'last_token' && (name !== 'ewma_variance' || qlike !== 'none') && (name !== 'zero' || qlike !== 'variance');
  return bestOf(recorded, usable, primary) ?? (classes ? 'last_class' : 'train_mean');
}

/** A vector model: `value` or `class` against each event's own `target`. */
function vectorSpec(manifest: ModelManifest): LiveScoreSpec | { readonly unscored: string } {
  const out = manifest.output;
  const target = out?.target;
  if (target !== 'value' && target !== 'class') {
    return { unscored: `output.target ${JSON.stringify(target ?? null)} is not a vector target (value, class)` };
  }
  const classes = target === 'class';
  if (classes ? manifest.outputSize < 2 || out?.decode !== 'softmax' : out?.decode === 'softmax' || out?.decode === 'log_variance') {
    return { unscored: `output of size ${manifest.outputSize} decoded by ${out?.decode ?? 'identity'} does not fit target ${target}` };
  }
  const primary: PrimaryMeasure = classes ? 'miss_rate' : 'mse';
  const validation = validationMetrics(manifest);
  const width = classes ? 1 : manifest.outputSize;
  const usable = (name: string): name is LiveBaseline => (classes ? name === 'last_class' : name === 'zero' || name === 'train_mean' || (name === 'last_value' && width === 1));
  return {
    target, source: 'event_target', width, endsOnly: manifest.outputMode === 'many_to_one', classes, varianceForecast: false, qlike: 'none', primary,
    baseline: bestOf(validation?.baselines, usable, primary) ?? (classes ? 'last_class' : 'train_mean'),
    flatThreshold: 0,
    validationLoss: lossOf(validation?.model, primary),
  };
}

/** A token model: `next_token` against the key's next token; a `label` classifier is not scored. */
function tokenSpec(manifest: ModelManifest): LiveScoreSpec | { readonly unscored: string } {
  const target = manifest.output?.target;
  if (target !== 'next_token') {
    return { unscored: `output.target ${JSON.stringify(target ?? null)}: of token models only next_token is scored live (a label is not in the token events)` };
  }
  if (manifest.outputMode !== 'many_to_many' || manifest.output?.decode !== 'softmax') return { unscored: 'a next_token model must be many-to-many with a softmax output' };
  const validation = validationMetrics(manifest);
  return {
    target, source: 'next_token', width: 1, endsOnly: false, classes: true, varianceForecast: false, qlike: 'none', primary: 'miss_rate',
    baseline: 'last_token', flatThreshold: 0, validationLoss: lossOf(validation?.model, 'miss_rate'),
  };
}

function validationMetrics(manifest: ModelManifest): { model?: Record<string, unknown>; baselines?: Record<string, Record<string, unknown>> } | undefined {
  return (manifest.metrics as { validation?: { model?: Record<string, unknown>; baselines?: Record<string, Record<string, unknown>> } } | undefined)?.validation;
}

function bestOf(recorded: Record<string, Record<string, unknown>> | undefined, usable: (name: string) => name is LiveBaseline, primary: PrimaryMeasure): LiveBaseline | undefined {
  let best: LiveBaseline | undefined;
  let bestLoss = Infinity;
  for (const [name, metrics] of Object.entries(recorded ?? {})) {
    const loss = lossOf(metrics, primary);
    if (usable(name) && loss !== undefined && loss < bestLoss) {
      best = name;
      bestLoss = loss;
    }
  }
  return best;
}
