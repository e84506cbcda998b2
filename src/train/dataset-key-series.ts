import type { KeyEvents } from './key-events.js';

/**
 * One key's events prepared for training and evaluation, all arrays indexed by the key's step
 * (0-based, arrival order). Steps below `cut` are training, from `cut` to `testCut` validation,
 * the rest test (none without a test window).
 */
export interface KeySeries {
  readonly key: string;
  readonly events: KeyEvents;
  /** T x inputSize model inputs: exactly the float32 values the serving transform produces. */
  readonly inputs: Float64Array;
  /** T x width targets in raw units (regression) or class indices. */
  readonly targets: Float64Array;
  /** T flags: the step has a target. */
  readonly hasTarget: Uint8Array;
  /** T flags: the step ends a many-to-one sequence (all zero for many-to-many). */
  readonly ends: Uint8Array;
  /** T flags: the step is scored in training (never a step whose target comes from validation events). */
  readonly trainMask: Uint8Array;
  /** T flags: the step is scored in validation. */
  readonly valMask: Uint8Array;
  /** T flags: the step is scored in the test window. */
  readonly testMask: Uint8Array;
  /** Index of the first validation step; T when the key has none. */
  readonly cut: number;
  /** Index of the first test step; T when the key has none. */
  readonly testCut: number;
}

/** Counts and time range of one split, for the manifest's provenance. */
export interface SplitSummary {
  readonly events: number;
  readonly scoredSteps: number;
  readonly from: string | null;
  readonly to: string | null;
}

/** The mask and step range of one part of a key. */
export function splitPart(s: KeySeries, which: 'train' | 'validation' | 'test'): { mask: Uint8Array; lo: number; hi: number } {
  if (which === 'train') return { mask: s.trainMask, lo: 0, hi: s.cut };
  if (which === 'validation') return { mask: s.valMask, lo: s.cut, hi: s.testCut };
  return { mask: s.testMask, lo: s.testCut, hi: s.events.length };
}

/** Summarises the training, validation or test part of every key. */
export function summariseSplit(series: readonly KeySeries[], which: 'train' | 'validation' | 'test'): SplitSummary {
  let events = 0;
  let scoredSteps = 0;
  let from = Infinity;
  let to = -Infinity;
  for (const s of series) {
    const { mask, lo, hi } = splitPart(s, which);
    for (let t = lo; t < hi; t++) {
      const ts = s.events.ts(t);
      events++;
      scoredSteps += mask[t];
      from = Math.min(from, ts);
      to = Math.max(to, ts);
    }
  }
  const iso = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : null);
  return { events, scoredSteps, from: iso(from), to: iso(to) };
}
