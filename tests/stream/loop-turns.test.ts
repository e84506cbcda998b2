import { describe, expect, it } from 'vitest';
import { LoopTurns } from '../../src/stream/loop-turns.js';

/** Resolves once timers due now have run. */
const nextTimersPhase = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));

/** A slice of work: keeps the thread busy for `ms` (so a timer set at its start is due at its end). */
function work(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

describe('LoopTurns', () => {
  it('releases one waiter per turn of the event loop, in the order they asked', async () => {
    const turns = new LoopTurns();
    const order: string[] = [];
    // Each slice sets a timer that is due when the slice ends. With one setImmediate per caller
    // all three slices would run in the same check phase, before any of the timers.
    const ticks: string[] = [];
    const waiters = ['a', 'b', 'c'].map((name) =>
      turns.next().then(() => {
        order.push(name);
        ticks.push(`slice ${name}`);
        setTimeout(() => ticks.push(`timer after ${name}`), 0);
        work(3);
      }),
    );
    expect(turns.pending).toBe(3);
    await Promise.all(waiters);
    await nextTimersPhase();
    expect(order).toEqual(['a', 'b', 'c']);
    // Every slice's timer ran before the next slice: each slice had a turn of its own.
    expect(ticks.slice(0, 5)).toEqual(['slice a', 'timer after a', 'slice b', 'timer after b', 'slice c']);
    expect(turns.pending).toBe(0);
  });

  it('starts again after running dry', async () => {
    const turns = new LoopTurns();
    await turns.next();
    expect(turns.pending).toBe(0);
    let released = false;
    const p = turns.next().then(() => (released = true));
    expect(released).toBe(false);
    await p;
    expect(released).toBe(true);
  });
});
