import { describe, expect, it } from 'vitest';
import { newSimTick, paceTicks, SyntheticMarket, tickToJson, type PaceClock } from '../../src/simulator/index.js';

/** A clock that only moves when slept on (or when a test moves it). */
function fakeClock(): PaceClock & { advance(ms: number): void } {
  let t = 0;
  return {
    now: () => t,
    sleep: async (ms) => {
      t += ms;
    },
    advance: (ms) => (t += ms),
  };
}

const market = (): SyntheticMarket => new SyntheticMarket({ seed: 21, symbols: 4, rate: 500, startTs: 0 });

describe('paceTicks', () => {
  it('hands over exactly count ticks, in the market order', async () => {
    const lines: string[] = [];
    const result = await paceTicks({
      market: market(), rate: 500, count: 1234, clock: fakeClock(),
      onBatch: (ticks, n) => {
        for (let i = 0; i < n; i++) lines.push(tickToJson(ticks[i]));
      },
    });
    const reference = market();
    const expected = Array.from({ length: 1234 }, () => tickToJson(reference.next(newSimTick())));
    expect(result.produced).toBe(1234);
    expect(lines).toEqual(expected);
  });

  it('takes count / rate seconds of clock time', async () => {
    const result = await paceTicks({ market: market(), rate: 500, count: 5000, clock: fakeClock(), onBatch: () => undefined });
    expect(result.elapsedMs).toBeGreaterThanOrEqual(9_980);
    expect(result.elapsedMs).toBeLessThanOrEqual(10_020);
  });

  it('batches more when the consumer is slow, and keeps the rate', async () => {
    const clock = fakeClock();
    const sizes: number[] = [];
    const result = await paceTicks({
      market: market(), rate: 1000, count: 10_000, clock,
      onBatch: (_ticks, n) => {
        sizes.push(n);
        clock.advance(100);
      },
    });
    expect(Math.max(...sizes.slice(1))).toBeGreaterThanOrEqual(100);
    expect(result.batches).toBeLessThan(120);
    expect(result.elapsedMs).toBeLessThanOrEqual(10_200);
  });

  it('never hands over more than maxBatch ticks at once', async () => {
    const sizes: number[] = [];
    const clock = fakeClock();
    await paceTicks({
      market: market(), rate: 10_000, count: 5000, maxBatch: 64, clock,
      onBatch: (_t, n) => {
        sizes.push(n);
        clock.advance(50);
      },
    });
    expect(Math.max(...sizes)).toBe(64);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(5000);
  });

  it('stops after the batch in hand when aborted', async () => {
    const controller = new AbortController();
    let seen = 0;
    const result = await paceTicks({
      market: market(), rate: 500, clock: fakeClock(), signal: controller.signal,
      onBatch: (_t, n) => {
        seen += n;
        if (seen >= 300) controller.abort();
      },
    });
    expect(result.produced).toBe(seen);
    expect(seen).toBeGreaterThanOrEqual(300);
    expect(seen).toBeLessThan(310);
  });

  it('ends the run with the error of a failing consumer', async () => {
    const failure = new Error('broker down');
    await expect(
      paceTicks({ market: market(), rate: 500, count: 100, clock: fakeClock(), onBatch: () => Promise.reject(failure) }),
    ).rejects.toBe(failure);
  });
});
