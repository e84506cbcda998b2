import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/index.js';
import { TokenBucket } from '../../src/simulator/token-bucket.js';

function clock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1000;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('TokenBucket', () => {
  it('starts empty and accrues tokens at the rate', () => {
    const c = clock();
    const bucket = new TokenBucket(200, 1000, c.now);
    expect(bucket.available()).toBe(0);
    c.advance(50);
    expect(bucket.available()).toBe(10);
    c.advance(1000);
    expect(bucket.available()).toBe(210);
  });

  it('never holds more than its capacity', () => {
    const c = clock();
    const bucket = new TokenBucket(1000, 300, c.now);
    c.advance(60_000);
    expect(bucket.available()).toBe(300);
  });

  it('paces a consumer that spends what is available to the rate over time', () => {
    const c = clock();
    const bucket = new TokenBucket(750, 750, c.now);
    let sent = 0;
    for (let step = 0; step < 400; step++) {
      const n = bucket.available();
      if (n > 0) {
        bucket.take(n);
        sent += n;
      } else {
        c.advance(bucket.msUntil(1));
      }
      c.advance(7);
    }
    const elapsedSeconds = (c.now() - 1000) / 1000;
    // everything accrued was either sent or is still waiting in the bucket
    expect(Math.abs(sent + bucket.available() - 750 * elapsedSeconds)).toBeLessThanOrEqual(1);
    expect(sent).toBeGreaterThan(750 * elapsedSeconds * 0.98);
  });

  it('tells how long to wait for tokens', () => {
    const c = clock();
    const bucket = new TokenBucket(100, 100, c.now);
    expect(bucket.msUntil(1)).toBe(10);
    expect(bucket.msUntil(5)).toBe(50);
    c.advance(25);
    expect(bucket.msUntil(2)).toBe(0);
    bucket.take(2);
    expect(bucket.msUntil(1)).toBe(5);
  });

  it('rejects a rate that is not positive', () => {
    expect(() => new TokenBucket(0, 10)).toThrow(ConfigError);
    expect(() => new TokenBucket(Number.NaN, 10)).toThrow(/rate = NaN: must be a number > 0/);
  });
});
