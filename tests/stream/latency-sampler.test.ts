import { describe, expect, it } from 'vitest';
import type { AppliedBatch } from '../../src/stream/batch-stages.js';
import { latencySampler } from '../../src/stream/publish-predictions.js';

/** Applied events whose ts is their index over the whole run. */
function applied(from: number, n: number): AppliedBatch['applied'] {
  return Array.from({ length: n }, (_, i) => ({ event: { ts: from + i } }) as unknown as AppliedBatch['applied'][number]);
}

describe('latencySampler', () => {
  it('observes every 16th event counted across batches of any size, starting with the first', () => {
    const seen: number[] = [];
    const observe = latencySampler({ observe: (s) => seen.push(s) }, 16);
    const producedAt = 1_000_000;
    let from = 0;
    for (const n of [5, 20, 3, 40, 1, 0, 15, 16]) {
      observe(applied(from, n), producedAt);
      from += n;
    }
    const indices = seen.map((s) => producedAt - Math.round(s * 1000));
    expect(indices).toEqual(Array.from({ length: Math.ceil(from / 16) }, (_, i) => i * 16));
  });

  it('observes every event with every = 1 (the default), and never a negative latency', () => {
    const seen: number[] = [];
    latencySampler({ observe: (s) => seen.push(s) }, 1)(applied(5, 3), 6);
    expect(seen).toEqual([0.001, 0, 0]);
    const all: number[] = [];
    latencySampler({ observe: (s) => all.push(s) })(applied(5, 3), 6);
    expect(all).toEqual([0.001, 0, 0]);
  });
});
