import { describe, expect, it } from 'vitest';
import { buildDataset } from '../../src/train/dataset-build.js';
import { trainingSequences, validationSequences } from '../../src/train/dataset-sequences.js';
import { targetStandardisation } from '../../src/train/target-standardisation.js';
import { datasetOptions, writeEvents, readEvents } from './dataset-helpers.js';

describe('trainingSequences / validationSequences', () => {
  it('many-to-many: one training sequence per key over its training steps, targets standardised with training statistics', async () => {
    const lines = Array.from({ length: 10 }, (_, i) => [
      { key: 'a', ts: i, features: [i], target: i },
      { key: 'b', ts: i, features: [-i], target: 10 + i },
    ]).flat();
    const ds = buildDataset(await readEvents(await writeEvents(lines)), datasetOptions({ target: 'value' }));
    const scale = targetStandardisation(ds.series, 1);
    // Training targets: 0..7 and 10..17.
    const train = [0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 15, 16, 17];
    const mean = train.reduce((a, b) => a + b, 0) / train.length;
    const std = Math.sqrt(train.reduce((a, b) => a + (b - mean) ** 2, 0) / train.length);
    expect(scale.mean[0]).toBeCloseTo(mean, 12);
    expect(scale.std[0]).toBeCloseTo(std, 12);
    const seqs = trainingSequences(ds.series, 1, 1, false, scale);
    expect(seqs.map((s) => s.length)).toEqual([8, 8]);
    expect(seqs[1].targets[3]).toBeCloseTo((13 - mean) / std, 12);
    expect(Array.from(seqs[0].inputs)).toEqual(Array.from(ds.series[0].inputs.subarray(0, 8)));
    const val = validationSequences(ds.series, 1, 1, scale);
    expect(val.map((s) => s.length)).toEqual([10, 10]);
    expect(Array.from(val[0].lossMask)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 1]);
  });

  it('many-to-one: one training sequence per sequence, scored on its last step, class targets left as indices', async () => {
    const lines = Array.from({ length: 12 }, (_, i) => ({ key: 'k', ts: i, features: [i], target: i % 2, end: i % 3 === 2 }));
    const ds = buildDataset(await readEvents(await writeEvents(lines)), datasetOptions({ target: 'class', outputMode: 'many_to_one', split: { kind: 'fraction', valFraction: 0.25 } }));
    const seqs = trainingSequences(ds.series, 1, 1, true);
    expect(seqs.map((s) => s.length)).toEqual([3, 3, 3]);
    for (const s of seqs) {
      expect(Array.from(s.lossMask)).toEqual([0, 0, 1]);
      expect(Array.from(s.resetAfter)).toEqual([0, 0, 1]);
    }
    expect(Array.from(seqs[1].targets)).toEqual([1, 0, 1]);
    const [val] = validationSequences(ds.series, 1, 1);
    expect(val.length).toBe(12);
    expect(Array.from(val.lossMask)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(Array.from(val.resetAfter)).toEqual(lines.map((l) => (l.end ? 1 : 0)));
  });
});
