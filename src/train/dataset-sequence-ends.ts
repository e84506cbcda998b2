import type { ModelEvent } from '../events/model-event.js';
import { isSequenceGap } from '../runtime/sequence-gap.js';

/**
 * Marks the events that end a many-to-one sequence: an event with `end: true`, or (when
 * `gapMs` is given) an event whose key's next event comes more than `gapMs` milliseconds later.
 * The gap rule is runtime/sequence-gap.ts, the one serving applies (ModelRuntime resets h/c
 * after an `end` event, and before an event that follows its key's previous one by more than the
 * manifest's `sequenceGapMs`). A key's last event ends a sequence only when marked `end`.
 */
export function sequenceEnds(events: readonly ModelEvent[], gapMs?: number): Uint8Array {
  const ends = new Uint8Array(events.length);
  for (let t = 0; t < events.length; t++) {
    const gapped = gapMs !== undefined && t + 1 < events.length && isSequenceGap(events[t].ts, events[t + 1].ts, gapMs);
    if (events[t].end || gapped) ends[t] = 1;
  }
  return ends;
}
