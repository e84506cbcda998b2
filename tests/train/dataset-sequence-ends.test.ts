import { describe, expect, it } from 'vitest';
import type { ModelEvent } from '../../src/events/model-event.js';
import { initParams } from '../../src/model/init-params.js';
import { parseManifest } from '../../src/model/load-model.js';
import { SeededRandom } from '../../src/model/random.js';
import { RnnModel } from '../../src/model/rnn-model.js';
import { ModelRuntime } from '../../src/runtime/model-runtime.js';
import { sequenceEnds } from '../../src/train/dataset-sequence-ends.js';
import { keyEventsOf } from './dataset-helpers.js';

const ev = (ts: number, end = false, x = 1): ModelEvent => ({ kind: 'vector', key: 'k', ts, features: [x], end });

describe('sequenceEnds', () => {
  it('ends a sequence at `end: true` and before a gap strictly longer than gapMs; the last event only when marked', () => {
    const events = [ev(0), ev(10), ev(20, true), ev(25), ev(75), ev(126), ev(127)];
    expect(Array.from(sequenceEnds(keyEventsOf(events)))).toEqual([0, 0, 1, 0, 0, 0, 0]);
    expect(Array.from(sequenceEnds(keyEventsOf(events), 50))).toEqual([0, 0, 1, 0, 1, 0, 0]);
  });

  it('matches where a many-to-one ModelRuntime resets the state (end markers and sequenceGapMs)', () => {
    const spec = { cell: 'gru', inputSize: 1, hiddenSize: 3, numLayers: 1, outputSize: 1 } as const;
    const model = new RnnModel(spec, initParams(spec, new SeededRandom(5)));
    const manifest = parseManifest({ format: 'rnn-stream.model/v1', name: 'm', ...spec, weights: 'm.safetensors', outputMode: 'many_to_one', sequenceGapMs: 50 });
    const runtime = new ModelRuntime({ manifest, model, version: 'v', manifestPath: 'm.json', weightsPath: 'm.safetensors' });
    const events = [ev(0, false, 0.5), ev(10, false, -1), ev(20, true, 2), ev(25, false, 0.1), ev(75, false, 1), ev(126, false, -0.3), ev(127, false, 0.7)];
    const ends = sequenceEnds(keyEventsOf(events), 50);
    // Reference: step the bare model, zeroing h after every step sequenceEnds marks.
    const h = model.newState();
    const stepper = model.newStepper();
    const out = new Float32Array(1);
    const state = runtime.newKeyState();
    events.forEach((e, t) => {
      stepper.step(h, Float32Array.from(e.kind === 'vector' ? e.features : []), out);
      runtime.advance(state, e);
      expect(runtime.out[0]).toBe(out[0]);
      if (ends[t]) h.fill(0);
    });
  });
});
