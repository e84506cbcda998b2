import { describe, expect, it } from 'vitest';
import { splitByTime } from '../../src/train/split-by-time.js';

describe('splitByTime', () => {
  it('holds out the latest round(n * fraction) events of a key with increasing timestamps', () => {
    const ts = Array.from({ length: 10 }, (_, i) => 1000 + i);
    expect(splitByTime(ts, 0.2)).toBe(8);
    expect(splitByTime(ts, 0.25)).toBe(7); // round(2.5) = 3 held out
    expect(splitByTime(ts, 0.5)).toBe(5);
  });

  it('moves the cut later until every validation timestamp is strictly after every training one', () => {
    // Events 7..9 share a timestamp with event 6: the cut cannot fall inside that group.
    const ts = [1, 2, 3, 4, 5, 6, 7, 7, 7, 7];
    expect(splitByTime(ts, 0.2)).toBe(10);
    const ts2 = [1, 2, 3, 4, 5, 6, 7, 7, 9, 10];
    expect(splitByTime(ts2, 0.3)).toBe(8);
  });

  it('never puts an event earlier than a training event into validation when timestamps go backwards', () => {
    // Event 8 (ts 3) is earlier than training events: the cut moves past it.
    const ts = [1, 2, 3, 4, 5, 6, 7, 8, 3, 10];
    const cut = splitByTime(ts, 0.2);
    expect(cut).toBe(9);
    expect(Math.min(...ts.slice(cut))).toBeGreaterThan(Math.max(...ts.slice(0, cut)));
  });

  it('keeps at least one training event and gives a one-event key no validation', () => {
    expect(splitByTime([5], 0.5)).toBe(1);
    expect(splitByTime([5, 6], 0.9)).toBe(1);
  });

  it('cuts only where isStart allows (many-to-one sequence boundaries)', () => {
    const ts = Array.from({ length: 10 }, (_, i) => i);
    const starts = new Set([0, 4, 9]);
    expect(splitByTime(ts, 0.3, (i) => starts.has(i))).toBe(9);
    expect(splitByTime(ts, 0.3, () => false)).toBe(10);
  });
});
