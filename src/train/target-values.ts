/**
 * Target values of one key's events, row-major T x width (see target-kind.ts for their meaning).
 * A step without a target (a key's last tick, a vector event without a usable `target`) has
 * `has[t] = 0` and zeros in its row.
 */
import { DatasetError } from '../errors/index.js';
import type { TargetIssue } from './event-set.js';
import { TARGET_UNUSABLE, type KeyEvents } from './key-events.js';
import { directionClass } from '../quality/direction-class.js';
import { DIRECTION_CLASSES, type TargetKind } from './target-kind.js';

/** The shape of a target: values per step (1 for classes: the index) and the head's output size. */
export interface TargetShape {
  readonly kind: TargetKind;
  /** Numbers stored per step: the regression width, or 1 (the class index). */
  readonly width: number;
  /** Head outputs: the regression width, or the number of classes. */
  readonly outputSize: number;
  /** `next_direction`: returns with |r| <= this are flat. */
  readonly flatThreshold: number;
}

/** The targets of one key's steps. */
export interface KeyTargets {
  readonly values: Float64Array;
  readonly has: Uint8Array;
}

/**
 * The target shape for `kind` over all records: tick targets are fixed; `value` takes the width of
 * the first usable target; `class` has `classes` classes, or the largest index in the data + 1.
 */
export function targetShape(kind: TargetKind, keys: readonly KeyEvents[], flatThreshold: number, classes?: number, allowContinuousClass = false): TargetShape {
  if (kind === 'next_direction') return { kind, width: 1, outputSize: DIRECTION_CLASSES.length, flatThreshold };
  if (kind === 'next_logret' || kind === 'next_abs_logret' || kind === 'next_sq_logret') return { kind, width: 1, outputSize: 1, flatThreshold };
  if (kind === 'class') {
    let max = -1;
    let numbers = 0;
    let fractional = 0;
    let example = 0;
    for (const events of keys) {
      for (let t = 0; t < events.length; t++) {
        const v = events.target(t);
        if (typeof v === 'number') continue;
        numbers++;
        if (v.length === 1 && isClassIndex(v[0])) max = Math.max(max, v[0]);
        else if (v.length === 1 && !Number.isInteger(v[0]) && fractional++ === 0) example = v[0];
      }
    }
    if (fractional > 0 && !allowContinuousClass) {
      throw new DatasetError(
        `target "class" needs integer class indices, but ${fractional} of ${numbers} targets are not integers (e.g. ${example}): ` +
          'the target looks continuous; use --target value, or --allow-continuous-class to skip those steps',
      );
    }
    const k = classes ?? max + 1;
    if (k < 2) throw new DatasetError('target "class" needs integer class indices in "target" (at least two classes)');
    return { kind, width: 1, outputSize: k, flatThreshold };
  }
  for (const events of keys) {
    for (let t = 0; t < events.length; t++) {
      const v = events.target(t);
      if (typeof v !== 'number') return { kind, width: v.length, outputSize: v.length, flatThreshold };
    }
  }
  throw new DatasetError('target "value" needs a number or an array of numbers in the events\' "target" field; none found');
}

/**
 * Targets of one key's events (in the key's order); unusable vector targets are added to
 * `issues`. Written into `into` (zero-filled, of T x width and T) when given.
 */
export function keyTargets(events: KeyEvents, shape: TargetShape, issues: TargetIssue[], into?: KeyTargets): KeyTargets {
  const T = events.length;
  const w = shape.width;
  const values = into?.values ?? new Float64Array(T * w);
  const has = into?.has ?? new Uint8Array(T);
  for (let t = 0; t < T; t++) {
    if (shape.kind === 'value' || shape.kind === 'class') {
      const raw = events.target(t);
      // Absent: a step without a target; unusable: already reported when the event was read.
      if (raw === TARGET_UNUSABLE || typeof raw === 'number') continue;
      const problem = shape.kind === 'class' ? readClass(raw, shape.outputSize, values, t) : readValues(raw, w, values, t);
      if (problem) issues.push({ at: events.position(t), detail: problem });
      else has[t] = 1;
      continue;
    }
    if (t + 1 >= T || events.kind !== 'tick') continue;
    const r = Math.log(events.price(t + 1) / events.price(t));
    values[t] = shape.kind === 'next_logret' ? r : shape.kind === 'next_abs_logret' ? Math.abs(r) : shape.kind === 'next_sq_logret' ? r * r : directionClass(r, shape.flatThreshold);
    has[t] = 1;
  }
  return { values, has };
}

export { directionClass } from '../quality/direction-class.js';

function isClassIndex(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

function readClass(raw: Float64Array, classes: number, out: Float64Array, t: number): string | undefined {
  const c = raw[0];
  if (raw.length !== 1 || !isClassIndex(c)) return `"target" must be an integer class index >= 0, got ${JSON.stringify(raw.length === 1 ? c : Array.from(raw)).slice(0, 40)}`;
  if (c >= classes) return `"target" class ${c} is not below the number of classes (${classes})`;
  out[t] = c;
  return undefined;
}

function readValues(raw: Float64Array, width: number, out: Float64Array, t: number): string | undefined {
  if (raw.length !== width) return `"target" must be ${width === 1 ? 'a number' : `an array of ${width} numbers`}`;
  out.set(raw, t * width);
  return undefined;
}
