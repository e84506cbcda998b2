import { isSequenceGap } from '../runtime/sequence-gap.js';
import type { KeyEvents } from './key-events.js';

/**
 * Marks the events that end a many-to-one sequence: an event with `end: true`, or (when
 * `gapMs` is given) an event whose key's next event comes more than `gapMs` milliseconds later.
 * The gap rule is runtime/sequence-gap.ts, the one serving applies (ModelRuntime resets h/c
 * after an `end` event, and before an event that follows its key's previous one by more than the
 * manifest's `sequenceGapMs`). A key's last event ends a sequence only when marked `end`.
 * Written into `ends` (zero-filled, of the key's length) when given.
 */
export function sequenceEnds(events: KeyEvents, gapMs?: number, ends = new Uint8Array(events.length)): Uint8Array {
  const n = events.length;
  for (let t = 0; t < n; t++) {
    const gapped = gapMs !== undefined && t + 1 < n && isSequenceGap(events.ts(t), events.ts(t + 1), gapMs);
    if (events.end(t) || gapped) ends[t] = 1;
  }
  return ends;
}
