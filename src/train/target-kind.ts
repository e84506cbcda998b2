/**
 * What a model is trained to predict after each event. Tick targets are about the key's NEXT
 * event (so the last event of a key has none):
 *
 *     next_logret      ln(price_{t+1} / price_t)
 *     next_abs_logret  |ln(price_{t+1} / price_t)|
 *     next_sq_logret   ln(price_{t+1} / price_t)², a variance proxy
 *     next_direction   class of that return: 0 down (r < -flat), 1 flat (|r| <= flat), 2 up (r > flat)
 *
 * Vector targets come from the event's own `target` field (absent: no target at that step):
 *
 *     value            a number or an array of numbers (regression, one output per number)
 *     class            an integer class index 0..K-1 (classification, K outputs, softmax)
 */
import type { EventKind } from '../events/model-event.js';
import type { LossKind } from './training-contract.js';

export const TICK_TARGETS = ['next_logret', 'next_abs_logret', 'next_sq_logret', 'next_direction'] as const;

/** Targets a variance loss (gaussian_nll, qlike) can train on: both read as the proxy r². */
export const VOLATILITY_TARGETS = ['next_abs_logret', 'next_sq_logret'] as const;
export const VECTOR_TARGETS = ['value', 'class'] as const;
export const TARGET_KINDS = [...TICK_TARGETS, ...VECTOR_TARGETS] as const;

/** One of {@link TARGET_KINDS}. */
export type TargetKind = (typeof TARGET_KINDS)[number];

/** Class names of `next_direction`, in class-index order. */
export const DIRECTION_CLASSES = ['down', 'flat', 'up'] as const;

/** Default `flat` band of `next_direction`: only an unchanged price is flat. */
export const DEFAULT_FLAT_THRESHOLD = 0;

/** Whether the target is a class index (trained with cross-entropy, decoded with softmax). */
export function isClassTarget(kind: TargetKind): boolean {
  return kind === 'next_direction' || kind === 'class';
}

/** The event kind a target needs. */
export function targetEventKind(kind: TargetKind): EventKind {
  return (TICK_TARGETS as readonly string[]).includes(kind) ? 'tick' : 'vector';
}

/** The loss used when none is asked for: cross-entropy for classes, MSE otherwise. */
export function defaultLoss(kind: TargetKind): LossKind {
  return isClassTarget(kind) ? 'cross_entropy' : 'mse';
}
