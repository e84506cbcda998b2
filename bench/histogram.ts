/**
 * CPU per observation of the end-to-end latency histogram: prom-client's Histogram with the old
 * 18 buckets and with the current 63, against BucketHistogram with the 63 (the one the pipeline
 * uses, once per event). The contenders alternate over rounds in one process; process CPU time
 * per observation is printed as a range, with the ratio to prom-client's 18-bucket histogram.
 *
 *   npm run bench:histogram [-- --rounds 7 --observations 2000000]
 */
import { Histogram, Registry } from 'prom-client';
import { BucketHistogram } from '../src/metrics/bucket-histogram.js';
import { END_TO_END_LATENCY_BUCKETS } from '../src/metrics/metric-buckets.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const rounds = arg('rounds', 7);
const observations = arg('observations', 2_000_000);

const registry = new Registry();
const OLD_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];
const contenders: Record<string, (v: number) => void> = {};
const promOld = new Histogram({ name: 'prom_old', help: 'h', buckets: OLD_BUCKETS, registers: [registry] }).labels({});
const promNew = new Histogram({ name: 'prom_new', help: 'h', buckets: [...END_TO_END_LATENCY_BUCKETS], registers: [registry] }).labels({});
const ours = new BucketHistogram({ name: 'ours', help: 'h', buckets: END_TO_END_LATENCY_BUCKETS, registers: [registry] });
contenders[`prom-client Histogram, ${OLD_BUCKETS.length} buckets`] = (v) => promOld.observe(v);
contenders[`prom-client Histogram, ${END_TO_END_LATENCY_BUCKETS.length} buckets`] = (v) => promNew.observe(v);
contenders[`BucketHistogram, ${END_TO_END_LATENCY_BUCKETS.length} buckets`] = (v) => ours.observe(v);

// Latencies from 5 ms to ~130 ms, like a caught-up pipeline.
const values = Float64Array.from({ length: 4096 }, (_, i) => 0.005 * Math.exp((i % 97) / 30));

function nsPerObservation(observe: (v: number) => void): number {
  const start = process.cpuUsage();
  for (let i = 0; i < observations; i++) observe(values[i & 4095]);
  const used = process.cpuUsage(start);
  return ((used.user + used.system) * 1000) / observations;
}

const results = new Map<string, number[]>(Object.keys(contenders).map((k) => [k, []]));
for (let round = 0; round < rounds; round++) {
  for (const [name, observe] of Object.entries(contenders)) results.get(name)!.push(nsPerObservation(observe));
}
const baseline = [...results.values()][0];
const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
process.stdout.write(`${rounds} rounds x ${observations} observations, process CPU per observation\n`);
for (const [name, ns] of results) {
  const ratio = median(ns) / median(baseline);
  process.stdout.write(`${name.padEnd(42)} ${Math.min(...ns).toFixed(1)}-${Math.max(...ns).toFixed(1)} ns (median ${median(ns).toFixed(1)}), ${ratio.toFixed(2)}x the first\n`);
}
