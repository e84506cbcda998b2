import { describe, expect, it } from 'vitest';
import { createFeatureTransform } from '../../src/features/create-feature-transform.js';
import { FEATURE_MEMORY_SIZE } from '../../src/features/feature-memory.js';
import type { ModelEvent } from '../../src/events/model-event.js';
import { initParams } from '../../src/model/init-params.js';
import { parseManifest } from '../../src/model/load-model.js';
import { SeededRandom } from '../../src/model/random.js';
import { RnnModel } from '../../src/model/rnn-model.js';
import { ModelRuntime } from '../../src/runtime/model-runtime.js';
import { isSequenceGap } from '../../src/runtime/sequence-gap.js';
import { isTimestampRegression } from '../../src/runtime/timestamp-regression.js';

const ev = (ts: number): ModelEvent => ({ kind: 'vector', key: 'k', ts, features: [1], end: false });

describe('isTimestampRegression', () => {
  it('is true only for an event strictly earlier than its key\'s previous one, never on the first event', () => {
    const manifest = parseManifest({ format: 'rnn-stream.model/v1', name: 'm', cell: 'gru', inputSize: 1, hiddenSize: 2, numLayers: 1, outputSize: 1, weights: 'm.safetensors' });
    const transform = createFeatureTransform(manifest);
    const memory = new Float64Array(FEATURE_MEMORY_SIZE);
    const x = new Float32Array(1);
    const seen: boolean[] = [];
    for (const ts of [-5, 10, 10, 9, 20, 19.5]) {
      seen.push(isTimestampRegression(memory, ts));
      transform.apply(ev(ts), memory, x);
    }
    // -5 on a fresh key is no regression even though the empty memory holds ts 0.
    expect(seen).toEqual([false, false, false, true, false, true]);
  });
});

describe('isSequenceGap', () => {
  it('breaks a sequence only on a gap strictly longer than gapMs', () => {
    expect(isSequenceGap(100, 150, 50)).toBe(false);
    expect(isSequenceGap(100, 151, 50)).toBe(true);
    expect(isSequenceGap(100, 90, 50)).toBe(false);
    expect(isSequenceGap(0, Number.MAX_SAFE_INTEGER, Infinity)).toBe(false);
  });
});

describe('ModelRuntime.advance', () => {
  it('reports `backwards` exactly where isTimestampRegression says so, and still applies the event', () => {
    const spec = { cell: 'gru', inputSize: 1, hiddenSize: 3, numLayers: 1, outputSize: 1 } as const;
    const model = new RnnModel(spec, initParams(spec, new SeededRandom(3)));
    const manifest = parseManifest({ format: 'rnn-stream.model/v1', name: 'm', ...spec, weights: 'm.safetensors' });
    const runtime = new ModelRuntime({ manifest, model, version: 'v', manifestPath: 'm.json', weightsPath: 'm.safetensors' });
    const state = runtime.newKeyState();
    const results = [5, 3, 3, 8, 1].map((ts) => runtime.advance(state, ev(ts)));
    expect(results).toEqual(['applied', 'backwards', 'applied', 'applied', 'backwards']);
    expect(state.step).toBe(5);
  });
});
