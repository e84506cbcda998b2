import { describe, expect, it } from 'vitest';
import type { ModelEvent } from '../../src/events/model-event.js';
import { createFeatureTransform } from '../../src/features/create-feature-transform.js';
import { FEATURE_MEMORY_SIZE } from '../../src/features/feature-memory.js';
import { MARKET_INPUTS, type MarketInput } from '../../src/features/market-features.js';
import { parseManifest } from '../../src/model/load-model.js';
import type { FeatureSpec } from '../../src/model/manifest.js';
import { SeededRandom } from '../../src/model/random.js';
import { buildDataset, type DatasetOptions } from '../../src/train/dataset-build.js';
import { datasetInputs } from '../../src/train/dataset-inputs.js';
import type { EventSet } from '../../src/train/event-set.js';
import type { KeyEvents } from '../../src/train/key-events.js';
import { normalisationStats, type NormalisationStats } from '../../src/train/normalisation-stats.js';
import { sequenceEnds } from '../../src/train/dataset-sequence-ends.js';
import { splitAtTimes } from '../../src/train/split-at-times.js';
import { splitByTime } from '../../src/train/split-by-time.js';
import { keyTargets } from '../../src/train/target-values.js';
import type { TargetIssue } from '../../src/train/event-set.js';
import { datasetOptions, keyEventsOf } from './dataset-helpers.js';

/** Seeded ticks of `keys` keys: random walks with flat steps, zero volumes, long gaps, equal and earlier timestamps, `end` marks. */
function seededTicks(seed: number, keys: number, perKey: number): KeyEvents[] {
  const rnd = new SeededRandom(seed);
  return Array.from({ length: keys }, (_, k) => {
    let price = 50 + 100 * rnd.next();
    let ts = 1_700_000_000_000 + k * 250;
    const events: ModelEvent[] = [];
    for (let t = 0; t < perKey; t++) {
      const u = rnd.next();
      if (u < 0.05) ts += 3_600_000 * (1 + rnd.int(5)); // a gap
      else if (u < 0.08) ts -= rnd.int(5_000); // a timestamp regression
      else if (u > 0.1) ts += rnd.int(2_000); // else: the same ts again
      if (rnd.next() > 0.15) price *= Math.exp(0.01 * rnd.normal()); // else: a flat step
      events.push({ kind: 'tick', key: `K${k}`, ts, price, volume: rnd.next() < 0.1 ? 0 : rnd.int(10_000), end: rnd.next() < 0.07 });
    }
    return keyEventsOf(events);
  });
}

/** An EventSet holding `keys`. */
function eventSet(keys: KeyEvents[]): EventSet {
  const validEvents = keys.reduce((n, k) => n + k.length, 0);
  return {
    source: {}, label: 'seeded', sha256: '', kind: keys[0].kind, vectorSize: keys[0].vectorSize, keys,
    validEvents, rejected: 0, rejectedByReason: {}, timestampRegressions: 0, equalTimestamps: 0, targetIssues: [],
  };
}

const manifest = (features: FeatureSpec, inputSize: number, normalisation?: NormalisationStats) =>
  parseManifest({ format: 'rnn-stream.model/v1', name: 'm', cell: 'gru', inputSize, hiddenSize: 1, numLayers: 1, outputSize: 1, weights: 'm.safetensors', features, normalisation });

/**
 * The reference: two passes of the serving transform itself. Raw float32 inputs of each key's
 * training steps, their statistics (normalisationStats), then the normalised transform over
 * every step.
 */
function twoPass(keys: readonly KeyEvents[], cuts: readonly number[], features: FeatureSpec, n: number): { inputs: Float64Array[]; normalisation: NormalisationStats } {
  const run = (events: KeyEvents, norm: NormalisationStats | undefined, count: number): Float64Array => {
    const transform = createFeatureTransform(manifest(features, n, norm));
    const memory = new Float64Array(FEATURE_MEMORY_SIZE);
    const x = new Float32Array(n);
    const out = new Float64Array(count * n);
    for (let t = 0; t < count; t++) {
      transform.apply(events.event(t), memory, x);
      out.set(x, t * n);
    }
    return out;
  };
  const normalisation = normalisationStats(keys.map((k, i) => run(k, undefined, cuts[i])), cuts, n);
  return { inputs: keys.map((k) => run(k, normalisation, k.length)), normalisation };
}

const sameBits = (a: Float64Array, b: Float64Array): boolean => a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe('datasetInputs (one pass of the feature transform)', () => {
  const market: FeatureSpec = { kind: 'market', inputs: [...MARKET_INPUTS] };

  it('gives the inputs and statistics of the two-pass reference bit for bit (seeded ticks, several keys, gaps, regressions, end marks)', () => {
    const keys = seededTicks(7, 6, 400);
    // Cuts of every kind: none trained, all trained, and in between.
    const cuts = [0, 400, 1, 317, 200, 399];
    const one = datasetInputs(keys.map((events, i) => ({ events, cut: cuts[i] })), market, 3);
    const ref = twoPass(keys, cuts, market, 3);
    expect(one.normalisation).toEqual(ref.normalisation);
    expect(one.normalisation.mean.map((m, i) => Object.is(m, ref.normalisation.mean[i]))).toEqual([true, true, true]);
    expect(one.normalisation.std.map((s, i) => Object.is(s, ref.normalisation.std[i]))).toEqual([true, true, true]);
    one.inputs.forEach((x, k) => expect(sameBits(x, ref.inputs[k]), `key ${k}`).toBe(true));
    // The data is not trivial: inputs are normalised (some negative) and float32 values.
    const all = one.inputs.flatMap((x) => Array.from(x));
    expect(all.some((v) => v < 0)).toBe(true);
    expect(all.every((v) => Object.is(v, Math.fround(v)))).toBe(true);
  });

  it('gives the reference bits for any subset and order of market inputs', () => {
    const keys = seededTicks(5, 4, 300);
    const cuts = [250, 0, 300, 120];
    const subsets: MarketInput[][] = [['time_gap', 'log_return'], ['log_volume'], ['log_return'], ['time_gap', 'log_volume', 'log_return'], ['log_volume', 'time_gap']];
    for (const inputs of subsets) {
      const spec: FeatureSpec = { kind: 'market', inputs };
      const one = datasetInputs(keys.map((events, i) => ({ events, cut: cuts[i] })), spec, inputs.length);
      const ref = twoPass(keys, cuts, spec, inputs.length);
      expect(one.normalisation, inputs.join()).toEqual(ref.normalisation);
      one.inputs.forEach((x, k) => expect(sameBits(x, ref.inputs[k]), `${inputs.join()} key ${k}`).toBe(true));
    }
  });

  it('with no training step at all, leaves the inputs centred on 0 with std 1 as the reference does', () => {
    const keys = seededTicks(11, 3, 50);
    const one = datasetInputs(keys.map((events) => ({ events, cut: 0 })), market, 3);
    const ref = twoPass(keys, [0, 0, 0], market, 3);
    expect(one.normalisation).toEqual({ mean: [0, 0, 0], std: [1, 1, 1] });
    one.inputs.forEach((x, k) => expect(sameBits(x, ref.inputs[k])).toBe(true));
  });

  it('gives the reference bits for vector events too', () => {
    const rnd = new SeededRandom(3);
    const keys = [0, 1, 2].map((k) =>
      keyEventsOf(Array.from({ length: 80 }, (_, t) => ({ kind: 'vector' as const, key: `V${k}`, ts: t * 1000, features: [rnd.normal() * 1e3, rnd.next(), t % 5 === 0 ? 7 : rnd.normal()], end: false }))),
    );
    const cuts = [60, 0, 80];
    const one = datasetInputs(keys.map((events, i) => ({ events, cut: cuts[i] })), { kind: 'vector' }, 3);
    const ref = twoPass(keys, cuts, { kind: 'vector' }, 3);
    expect(one.normalisation).toEqual(ref.normalisation);
    one.inputs.forEach((x, k) => expect(sameBits(x, ref.inputs[k])).toBe(true));
  });

  it('buildDataset gives the reference inputs for every split and output mode', () => {
    const keys = seededTicks(42, 5, 300);
    const firstTs = Math.min(...keys.map((k) => k.ts(0)));
    const options: Partial<DatasetOptions>[] = [
      { split: { kind: 'fraction', valFraction: 0.2 } },
      { split: { kind: 'time', validateFrom: firstTs + 40 * 3_600_000, testFrom: firstTs + 60 * 3_600_000 } },
      { outputMode: 'many_to_one', sequenceGapMs: 60_000, split: { kind: 'fraction', valFraction: 0.3 } },
    ];
    for (const o of options) {
      const ds = buildDataset(eventSet(keys), datasetOptions({ marketInputs: [...MARKET_INPUTS], ...o }));
      const ref = twoPass(keys, ds.series.map((s) => s.cut), market, 3);
      expect(ds.normalisation).toEqual(ref.normalisation);
      ds.series.forEach((s, k) => expect(sameBits(s.inputs, ref.inputs[k]), `${JSON.stringify(o)} key ${k}`).toBe(true));
    }
  });

  it('refuses non-finite statistics as building the normalised transform does', () => {
    const events: ModelEvent[] = [1, 2, 3].map((t) => ({ kind: 'vector', key: 'V', ts: t, features: [t === 2 ? Number.MAX_VALUE : 1], end: false }));
    expect(() => datasetInputs([{ events: keyEventsOf(events), cut: 3 }], { kind: 'vector' }, 1)).toThrow();
    expect(() => twoPass([keyEventsOf(events)], [3], { kind: 'vector' }, 1)).toThrow();
  });

  it('buildDataset gives the targets, masks, ends and cuts of the previous per-key arrays (every split, output mode and tick target)', () => {
    const keys = seededTicks(9, 7, 250);
    const firstTs = Math.min(...keys.map((k) => k.ts(0)));
    const splits: DatasetOptions['split'][] = [
      { kind: 'fraction', valFraction: 0.25 },
      { kind: 'time', validateFrom: firstTs + 30 * 3_600_000 },
      { kind: 'time', validateFrom: firstTs + 30 * 3_600_000, testFrom: firstTs + 50 * 3_600_000 },
    ];
    let checked = 0;
    for (const split of splits) {
      for (const outputMode of ['many_to_many', 'many_to_one'] as const) {
        for (const target of ['next_logret', 'next_direction', 'next_abs_logret'] as const) {
          const opts = datasetOptions({ marketInputs: [...MARKET_INPUTS], split, outputMode, target, sequenceGapMs: 90_000, flatThreshold: 0.002 });
          const ds = buildDataset(eventSet(keys), opts);
          const ref = previousParts(keys, opts, ds.shape);
          ds.series.forEach((s, k) => {
            const r = ref[k];
            const what = `${JSON.stringify(opts.split)} ${outputMode} ${target} key ${k}`;
            expect([s.cut, s.testCut], what).toEqual([r.cut, r.testCut]);
            expect(sameBits(s.targets, r.targets), what).toBe(true);
            for (const f of ['hasTarget', 'ends', 'trainMask', 'valMask', 'testMask'] as const) expect(Array.from(s[f]), `${what} ${f}`).toEqual(Array.from(r[f]));
            checked += s.trainMask.reduce((n, m) => n + m, 0) + s.valMask.reduce((n, m) => n + m, 0);
          });
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });
});

/**
 * The per-key arrays as buildDataset made them before its arrays became views of shared ones:
 * each key's ends, split, targets and masks in arrays of its own (the previous code, kept as
 * the reference).
 */
function previousParts(keys: readonly KeyEvents[], opts: DatasetOptions, shape: ReturnType<typeof buildDataset>['shape']) {
  const issues: TargetIssue[] = [];
  const tickTarget = true;
  const manyToOne = opts.outputMode === 'many_to_one';
  return keys.map((events) => {
    const T = events.length;
    const ends = manyToOne ? sequenceEnds(events, opts.sequenceGapMs) : new Uint8Array(T);
    const isStart = manyToOne ? (i: number) => ends[i - 1] === 1 : undefined;
    const { cut, testCut } =
      opts.split.kind === 'fraction'
        ? { cut: splitByTime(events.timestamps(), opts.split.valFraction, isStart), testCut: T }
        : splitAtTimes(events.timestamps(), opts.split.validateFrom, opts.split.testFrom);
    const { values, has } = keyTargets(events, shape, issues);
    const trainMask = new Uint8Array(T);
    const valMask = new Uint8Array(T);
    const testMask = new Uint8Array(T);
    for (let t = 0; t < T; t++) {
      const scored = has[t] === 1 && (!manyToOne || ends[t] === 1);
      if (t < cut) trainMask[t] = scored && !(tickTarget && t === cut - 1 && cut < T) ? 1 : 0;
      else if (t < testCut) valMask[t] = scored && !(tickTarget && t === testCut - 1 && testCut < T) ? 1 : 0;
      else testMask[t] = scored ? 1 : 0;
    }
    return { targets: values, hasTarget: has, ends, trainMask, valMask, testMask, cut, testCut };
  });
}
