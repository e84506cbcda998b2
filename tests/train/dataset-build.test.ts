import { describe, expect, it } from 'vitest';
import { DatasetError } from '../../src/errors/index.js';
import { FEATURE_MEMORY_SIZE } from '../../src/features/feature-memory.js';
import { parseManifest } from '../../src/model/load-model.js';
import { buildDataset } from '../../src/train/dataset-build.js';
import { createFeatureTransform } from '../../src/features/create-feature-transform.js';
import { datasetOptions, tick, writeEvents, readEvents } from './dataset-helpers.js';

const prices = [100, 101, 99, 102, 100, 103, 104, 101, 100, 105];

describe('buildDataset', () => {
  it('normalises inputs with the mean and std of the training steps only', async () => {
    const file = await readEvents(await writeEvents(prices.map((p, i) => tick('A', i * 1000, p))));
    const ds = buildDataset(file, datasetOptions());
    const [s] = ds.series;
    expect(s.cut).toBe(8);
    // Raw log returns of the 8 training ticks (0 for the first), computed independently.
    const raw = prices.slice(0, 8).map((p, i) => (i === 0 ? 0 : Math.log(p / prices[i - 1])));
    const mean = raw.reduce((a, b) => a + b, 0) / raw.length;
    const std = Math.sqrt(raw.reduce((a, b) => a + (b - mean) ** 2, 0) / raw.length);
    expect(ds.normalisation.mean[0]).toBeCloseTo(mean, 7);
    expect(ds.normalisation.std[0]).toBeCloseTo(std, 7);
    // A wild validation price changes nothing in the statistics.
    const changed = await readEvents(await writeEvents(prices.map((p, i) => tick('A', i * 1000, i === 9 ? 1e6 : p))));
    expect(buildDataset(changed, datasetOptions()).normalisation).toEqual(ds.normalisation);
    // Every input (validation included) is the normalised return, rounded to float32.
    const r9 = Math.log(prices[9] / prices[8]);
    expect(s.inputs[9]).toBe(Math.fround((r9 - ds.normalisation.mean[0]) / ds.normalisation.std[0]));
  });

  it('produces exactly the inputs the serving feature transform produces for the same manifest', async () => {
    const lines = prices.flatMap((p, i) => [tick('A', i * 1000, p, { volume: i * 7 }), tick('B', i * 1000 + 500, p * 2 + i, { volume: 3 })]);
    const file = await readEvents(await writeEvents(lines));
    const inputs = ['log_return', 'log_volume', 'time_gap'] as const;
    const ds = buildDataset(file, datasetOptions({ marketInputs: [...inputs] }));
    const transform = createFeatureTransform(
      parseManifest({ format: 'rnn-stream.model/v1', name: 'm', cell: 'gru', inputSize: 3, hiddenSize: 2, numLayers: 1, outputSize: 1, weights: 'm.safetensors', features: ds.features, normalisation: ds.normalisation }),
    );
    for (const s of ds.series) {
      const memory = new Float64Array(FEATURE_MEMORY_SIZE);
      const x = new Float32Array(3);
      for (let t = 0; t < s.events.length; t++) {
        transform.apply(s.events.event(t), memory, x);
        expect(Array.from(s.inputs.subarray(t * 3, t * 3 + 3))).toEqual(Array.from(x));
      }
    }
  });

  it('never scores a training step whose tick target is a validation event', async () => {
    const file = await readEvents(await writeEvents(prices.map((p, i) => tick('A', i, p))));
    const [s] = buildDataset(file, datasetOptions()).series;
    expect(Array.from(s.trainMask)).toEqual([1, 1, 1, 1, 1, 1, 1, 0, 0, 0]);
    // Step 9 is the key's last tick: it has no next tick, so no target.
    expect(Array.from(s.valMask)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
  });

  it('scores a vector target on the validation side only after the cut', async () => {
    const lines = Array.from({ length: 10 }, (_, i) => ({ key: 'k', ts: i, features: [i], target: i * 2 }));
    const file = await readEvents(await writeEvents(lines));
    const [s] = buildDataset(file, datasetOptions({ target: 'value' })).series;
    expect(Array.from(s.trainMask)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 0, 0]);
    expect(Array.from(s.valMask)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 1]);
    expect(Array.from(s.targets)).toEqual(lines.map((l) => l.target));
  });

  it('many-to-one: sequences end at `end` or a long gap, are scored at their end only, and the cut falls between sequences', async () => {
    const ts = [0, 1, 2, 100, 101, 102, 103, 200, 201, 300];
    const ends = [false, false, false, false, true, false, false, false, false, true];
    const lines = ts.map((t, i) => ({ key: 'k', ts: t, features: [i], target: i, end: ends[i] }));
    const file = await readEvents(await writeEvents(lines));
    const [s] = buildDataset(file, datasetOptions({ target: 'value', outputMode: 'many_to_one', sequenceGapMs: 50, split: { kind: 'fraction', valFraction: 0.4 } })).series;
    // ends: 2 (gap to 100), 4 (end), 6 (gap to 200), 8 (gap to 300), 9 (end)
    expect(Array.from(s.ends)).toEqual([0, 0, 1, 0, 1, 0, 1, 0, 1, 1]);
    expect(s.cut).toBe(7);
    expect(Array.from(s.trainMask)).toEqual([0, 0, 1, 0, 1, 0, 1, 0, 0, 0]);
    expect(Array.from(s.valMask)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 1]);
  });

  it('refuses a tick target on vector events, naming the file', async () => {
    const path = await writeEvents([{ key: 'k', ts: 1, features: [1] }]);
    const file = await readEvents(path);
    expect(() => buildDataset(file, datasetOptions())).toThrow(DatasetError);
    expect(() => buildDataset(file, datasetOptions())).toThrow(/needs tick events, but the input holds vector events/);
  });
});
