import { describe, expect, it } from 'vitest';
import { FEATURE_MEMORY_SIZE, MEM_PREV_TS } from '../../src/features/feature-memory.js';
import { createFeatureTransform } from '../../src/features/create-feature-transform.js';
import { parseManifest } from '../../src/model/load-model.js';

const base = { format: 'rnn-stream.model/v1', name: 'f', cell: 'gru', hiddenSize: 4, numLayers: 1, outputSize: 1, weights: 'f.safetensors' };
const tick = (ts: number, price: number, volume = 0) => ({ kind: 'tick', key: 'X', ts, price, volume, end: false }) as const;

describe('createFeatureTransform', () => {
  it('passes vector features through the manifest normalisation', () => {
    const t = createFeatureTransform(parseManifest({ ...base, inputSize: 2, normalisation: { mean: [1, -2], std: [2, 4] } }));
    const out = new Float32Array(2);
    t.apply({ kind: 'vector', key: 'k', ts: 1, features: [5, 6], end: false }, new Float64Array(FEATURE_MEMORY_SIZE), out);
    expect(Array.from(out)).toEqual([2, 2]);
  });

  it('derives log return, log volume and time gap from the key\'s previous tick', () => {
    const t = createFeatureTransform(parseManifest({ ...base, inputSize: 3, features: { kind: 'market', inputs: ['log_return', 'log_volume', 'time_gap'] } }));
    const mem = new Float64Array(FEATURE_MEMORY_SIZE);
    const out = new Float32Array(3);
    t.apply(tick(10_000, 100, 9), mem, out);
    expect(Array.from(out)).toEqual([0, Math.fround(Math.log(10)), 0]);
    t.apply(tick(13_000, 110, 0), mem, out);
    expect(out[0]).toBeCloseTo(Math.log(1.1), 6);
    expect(out[1]).toBe(0);
    expect(out[2]).toBeCloseTo(Math.log(4), 6);
  });

  it('uses a log return the caller computed, and computes it when none is given', () => {
    const t = createFeatureTransform(parseManifest({ ...base, inputSize: 1, features: { kind: 'market', inputs: ['log_return'] } }));
    const given = new Float64Array(FEATURE_MEMORY_SIZE);
    const computed = new Float64Array(FEATURE_MEMORY_SIZE);
    const out = new Float32Array(1);
    t.apply(tick(1_000, 100), given, out, 0.25);
    expect(out[0]).toBe(0); // a key's first tick has no return, whatever the caller passes
    t.apply(tick(1_000, 100), computed, out);
    t.apply(tick(2_000, 103), given, out, 0.25);
    expect(out[0]).toBe(0.25);
    t.apply(tick(2_000, 103), computed, out);
    expect(out[0]).toBe(Math.fround(Math.log(103 / 100)));
    expect(Array.from(given)).toEqual(Array.from(computed));
  });

  it('gives a timestamp that goes backwards a zero time gap and remembers the later ts', () => {
    const t = createFeatureTransform(parseManifest({ ...base, inputSize: 1, features: { kind: 'market', inputs: ['time_gap'] } }));
    const mem = new Float64Array(FEATURE_MEMORY_SIZE);
    const out = new Float32Array(1);
    t.apply(tick(5_000, 1), mem, out);
    t.apply(tick(4_000, 1), mem, out);
    expect(out[0]).toBe(0);
    expect(mem[MEM_PREV_TS]).toBe(4_000);
  });
});
