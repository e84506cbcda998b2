/**
 * When a many-to-one sequence breaks between two consecutive events of a key: the later event
 * comes more than `gapMs` milliseconds after the earlier one (strictly; `gapMs` = Infinity never
 * breaks). Serving resets h/c before such an event (ModelRuntime); training ends a sequence at the
 * earlier one (train/dataset-sequence-ends.ts). An event marked `end` also ends its sequence.
 */
export function isSequenceGap(prevTs: number, ts: number, gapMs: number): boolean {
  return ts - prevTs > gapMs;
}
