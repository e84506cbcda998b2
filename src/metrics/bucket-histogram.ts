import type { Registry } from 'prom-client';

/** What a registry reads from a metric (prom-client's metric contract). */
interface HistogramSnapshot {
  readonly name: string;
  readonly help: string;
  readonly type: 'histogram';
  readonly aggregator: 'sum';
  readonly values: { labels: { le?: string | number }; value: number; metricName: string }[];
}

/**
 * A label-less Prometheus histogram for values observed per event on the hot path: `observe` is a
 * binary search over a Float64Array of bounds and two additions, with no allocation (prom-client's
 * Histogram hashes labels and allocates on every observe). Exposed in the standard text format
 * (`_bucket{le}` cumulative, `_sum`, `_count`) through the registry it is registered on.
 */
export class BucketHistogram {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly bounds: Float64Array;
  /** counts[i]: observations in (bounds[i-1], bounds[i]]; the last slot is +Inf. */
  private readonly counts: Float64Array;
  private sum = 0;
  private count = 0;

  constructor(options: { name: string; help: string; buckets: readonly number[]; registers: readonly Registry[] }) {
    const sorted = [...options.buckets].sort((a, b) => a - b);
    if (sorted.length === 0 || sorted.some((b, i) => !Number.isFinite(b) || (i > 0 && b === sorted[i - 1]))) {
      throw new TypeError(`${options.name}: buckets must be distinct finite numbers`);
    }
    this.name = options.name;
    this.help = options.help;
    this.bounds = Float64Array.from(sorted);
    this.counts = new Float64Array(sorted.length + 1);
    for (const registry of options.registers) registry.registerMetric(this as never);
  }

  /** Counts one value (a non-finite value is ignored: it has no bucket and would poison the sum). */
  observe(value: number): void {
    if (!Number.isFinite(value)) return;
    const bounds = this.bounds;
    let lo = 0;
    let hi = bounds.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (value <= bounds[mid]) hi = mid;
      else lo = mid + 1;
    }
    this.counts[lo]++;
    this.sum += value;
    this.count++;
  }

  /** The registry's view: cumulative buckets, sum and count. */
  async get(): Promise<HistogramSnapshot> {
    const values: HistogramSnapshot['values'] = [];
    let cumulative = 0;
    for (let i = 0; i < this.bounds.length; i++) {
      cumulative += this.counts[i];
      values.push({ labels: { le: this.bounds[i] }, value: cumulative, metricName: `${this.name}_bucket` });
    }
    values.push({ labels: { le: '+Inf' }, value: this.count, metricName: `${this.name}_bucket` });
    values.push({ labels: {}, value: this.sum, metricName: `${this.name}_sum` });
    values.push({ labels: {}, value: this.count, metricName: `${this.name}_count` });
    return { name: this.name, help: this.help, type: 'histogram', aggregator: 'sum', values };
  }

  /** Back to zero (registry.resetMetrics()). */
  reset(): void {
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
  }
}
