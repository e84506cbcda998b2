import { describe, expect, it } from 'vitest';
import { EarlyStop } from '../../src/train/early-stop.js';

describe('EarlyStop', () => {
  it('stops after `patience` epochs without a strictly lower loss and remembers the best epoch', () => {
    const stop = new EarlyStop(2);
    const seen = [3, 2, 2, 2.5].map((loss) => [stop.observe(loss), stop.shouldStop()]);
    expect(seen).toEqual([
      [true, false],
      [true, false],
      [false, false],
      [false, true],
    ]);
    expect(stop.bestEpoch).toBe(2);
    expect(stop.bestLoss).toBe(2);
  });

  it('never counts a NaN loss as an improvement', () => {
    const stop = new EarlyStop(1);
    expect(stop.observe(Number.NaN)).toBe(false);
    expect(stop.bestEpoch).toBe(0);
    expect(stop.shouldStop()).toBe(true);
  });
});
