import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { BucketHistogram } from '../../src/metrics/bucket-histogram.js';
import { END_TO_END_LATENCY_BUCKETS } from '../../src/metrics/metric-buckets.js';

/** The exposition lines of one metric, without HELP/TYPE, with the name replaced by `x`. */
async function lines(registry: Registry, name: string): Promise<string[]> {
  const text = await registry.metrics();
  return text
    .split('\n')
    .filter((l) => l.startsWith(name))
    .map((l) => l.replace(name, 'x'));
}

describe('BucketHistogram', () => {
  it('exposes exactly what prom-client’s Histogram exposes for the same observations', async () => {
    const ours = new Registry();
    const reference = new Registry();
    const fast = new BucketHistogram({ name: 'fast_seconds', help: 'h', buckets: END_TO_END_LATENCY_BUCKETS, registers: [ours] });
    const slow = new Histogram({ name: 'slow_seconds', help: 'h', buckets: [...END_TO_END_LATENCY_BUCKETS], registers: [reference] });
    let seed = 7;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const values = [0, 0.001, 0.00121, 10, 600, 601, 1e6, ...Array.from({ length: 5000 }, () => Math.exp(random() * 16 - 10))];
    for (const v of values) {
      fast.observe(v);
      slow.observe(v);
    }
    const a = await lines(ours, 'fast_seconds');
    const b = await lines(reference, 'slow_seconds');
    expect(a.length).toBe(END_TO_END_LATENCY_BUCKETS.length + 3);
    expect(a.slice(0, -2)).toEqual(b.slice(0, -2));
    // Sums are added in the same order; the count is exact.
    expect(a.at(-1)).toBe(b.at(-1));
    expect(Number(a.at(-2)!.split(' ')[1])).toBeCloseTo(Number(b.at(-2)!.split(' ')[1]), 6);
  });

  it('ignores non-finite values and resets to zero', async () => {
    const registry = new Registry();
    const h = new BucketHistogram({ name: 'h_seconds', help: 'h', buckets: [1, 2], registers: [registry] });
    h.observe(Number.NaN);
    h.observe(Number.POSITIVE_INFINITY);
    h.observe(1.5);
    expect(await lines(registry, 'h_seconds')).toEqual(['x_bucket{le="1"} 0', 'x_bucket{le="2"} 1', 'x_bucket{le="+Inf"} 1', 'x_sum 1.5', 'x_count 1']);
    registry.resetMetrics();
    expect((await lines(registry, 'h_seconds')).at(-1)).toBe('x_count 0');
  });

  it('refuses duplicate or non-finite bucket bounds', () => {
    expect(() => new BucketHistogram({ name: 'b', help: 'h', buckets: [1, 1], registers: [] })).toThrow(/distinct finite/);
    expect(() => new BucketHistogram({ name: 'b', help: 'h', buckets: [1, Infinity], registers: [] })).toThrow(/distinct finite/);
  });
});
