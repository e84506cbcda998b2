import { describe, expect, it } from 'vitest';
import { END_TO_END_LATENCY_BUCKETS, logBuckets } from '../../src/metrics/metric-buckets.js';

/**
 * Prometheus' histogram_quantile: linear interpolation inside the bucket holding rank q * count;
 * `counts` has one more slot than `bounds`, for +Inf (a rank there answers the highest bound).
 */
function histogramQuantile(q: number, bounds: readonly number[], counts: readonly number[]): number {
  const cumulative: number[] = [];
  let c = 0;
  for (const n of counts) cumulative.push((c += n));
  const rank = q * c;
  const i = cumulative.findIndex((x) => x >= rank);
  if (i === bounds.length) return bounds[bounds.length - 1];
  const lower = i === 0 ? 0 : bounds[i - 1];
  const below = i === 0 ? 0 : cumulative[i - 1];
  return lower + ((bounds[i] - lower) * (rank - below)) / (cumulative[i] - below);
}

function exactQuantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

describe('END_TO_END_LATENCY_BUCKETS', () => {
  it('steps by at most 1.22x between 1 ms and 100 s', () => {
    const fine = END_TO_END_LATENCY_BUCKETS.filter((b) => b >= 0.001 && b <= 100);
    expect(fine[0]).toBe(0.001);
    expect(fine.at(-1)).toBe(100);
    for (let i = 1; i < fine.length; i++) expect(fine[i] / fine[i - 1]).toBeLessThan(1.22);
    expect(END_TO_END_LATENCY_BUCKETS.at(-1)).toBe(600);
    expect([...END_TO_END_LATENCY_BUCKETS].sort((a, b) => a - b)).toEqual(END_TO_END_LATENCY_BUCKETS);
  });

  it('estimates p50 and p99 within 20% for latency distributions from 2 ms to 50 s', () => {
    const bounds = END_TO_END_LATENCY_BUCKETS;
    let seed = 11;
    const uniform = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) + 0.5) / 2 ** 31;
    for (const median of [0.002, 0.0137, 0.025, 0.31, 1.7, 5, 50]) {
      for (const sigma of [0.1, 0.5, 1]) {
        // Log-normal samples (Box-Muller), like the right-skewed latencies of a queue.
        const samples = Array.from({ length: 20000 }, () => median * Math.exp(sigma * Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform())));
        const counts = new Array<number>(bounds.length + 1).fill(0);
        for (const s of samples) {
          const i = bounds.findIndex((b) => s <= b);
          counts[i === -1 ? bounds.length : i]++;
        }
        const sorted = [...samples].sort((a, b) => a - b);
        for (const q of [0.5, 0.99]) {
          const truth = exactQuantile(sorted, q);
          if (truth > 100) continue;
          const estimate = histogramQuantile(q, bounds, counts);
          expect(Math.abs(estimate / truth - 1), `median ${median} sigma ${sigma} q ${q}: ${estimate} vs ${truth}`).toBeLessThan(0.2);
        }
      }
    }
  });
});

describe('logBuckets', () => {
  it('spaces bounds evenly in log scale, rounded to three digits', () => {
    expect(logBuckets(1, 100, 2)).toEqual([1, 3.16, 10, 31.6, 100]);
  });
});
