import type { EventRecord } from './dataset-event-file.js';

/**
 * One key's events prepared for training and evaluation, all arrays indexed by the key's step
 * (0-based, file order). Steps below `cut` are training, the rest validation.
 */
export interface KeySeries {
  readonly key: string;
  readonly records: readonly EventRecord[];
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
  /** Index of the first validation step; T when the key has none. */
  readonly cut: number;
}

/** Counts and time range of one split, for the manifest's provenance. */
export interface SplitSummary {
  readonly events: number;
  readonly scoredSteps: number;
  readonly from: string | null;
  readonly to: string | null;
}

/** Summarises the training (`which = 'train'`) or validation part of every key. */
export function summariseSplit(series: readonly KeySeries[], which: 'train' | 'validation'): SplitSummary {
  let events = 0;
  let scoredSteps = 0;
  let from = Infinity;
  let to = -Infinity;
  for (const s of series) {
    const lo = which === 'train' ? 0 : s.cut;
    const hi = which === 'train' ? s.cut : s.records.length;
    const mask = which === 'train' ? s.trainMask : s.valMask;
    for (let t = lo; t < hi; t++) {
      const ts = s.records[t].event.ts;
      events++;
      scoredSteps += mask[t];
      from = Math.min(from, ts);
      to = Math.max(to, ts);
    }
  }
  const iso = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : null);
  return { events, scoredSteps, from: iso(from), to: iso(to) };
}
