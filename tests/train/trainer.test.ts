import { describe, expect, it } from 'vitest';
import { ConfigError, ModelFormatError, TrainingDataError } from '../../src/errors/index.js';
import { CELL_KINDS } from '../../src/model/cell-kind.js';
import { initParams } from '../../src/model/init-params.js';
import type { ModelSpec } from '../../src/model/model-spec.js';
import { SeededRandom } from '../../src/model/random.js';
import { RnnModel } from '../../src/model/rnn-model.js';
import { Trainer } from '../../src/train/trainer.js';
import type { TrainerOptions, TrainingSequence } from '../../src/train/training-contract.js';
import { randomSequence } from './random-sequences.js';

const SPEC: ModelSpec = { cell: 'gru', inputSize: 3, hiddenSize: 5, numLayers: 2, outputSize: 2 };

function options(over: Partial<TrainerOptions> = {}): TrainerOptions {
  const spec = over.spec ?? SPEC;
  return { spec, initial: initParams(spec, new SeededRandom(3)), loss: 'mse', optimizer: { kind: 'adam', lr: 0.01 }, ...over };
}

function batch(seed: number, lengths: number[], spec = SPEC): TrainingSequence[] {
  const rng = new SeededRandom(seed);
  return lengths.map((T) => randomSequence(rng, spec, 'mse', T, 'many_to_many'));
}

describe('Trainer', () => {
  it('is deterministic: same options and batches give the same bits', () => {
    const run = () => {
      const t = new Trainer(options({ tbptt: 4, clipNorm: 0.5 }));
      const losses = [0, 1, 2].map((s) => t.trainBatch(batch(s, [9, 6, 7])).loss);
      return { losses, params: [...t.paramsF64().values()] };
    };
    expect(run()).toEqual(run());
  });

  it.each(CELL_KINDS)('%s: evaluate outputs agree with the float32 inference model to float32 rounding', (cell) => {
    const spec = { ...SPEC, cell };
    const t = new Trainer(options({ spec }));
    const [seq] = batch(5, [12], spec);
    const { outputs } = t.evaluate([seq]);
    const model = new RnnModel(spec, t.params());
    const stepper = model.newStepper();
    const state = model.newState();
    const out = new Float32Array(2);
    for (let s = 0; s < seq.length; s++) {
      stepper.step(state, Float32Array.from(seq.inputs.subarray(s * 3, s * 3 + 3)), out);
      for (let k = 0; k < 2; k++) expect(Math.abs(out[k] - outputs[0][s * 2 + k])).toBeLessThan(1e-5);
    }
  });

  it('pools the loss of a padded batch over all masked steps (sequences of different lengths)', () => {
    const t = new Trainer(options());
    const [a, b] = batch(1, [8, 3]);
    const la = t.evaluate([a]).loss;
    const lb = t.evaluate([b]).loss;
    // a contributes 8·2 terms, b 3·2 terms.
    expect(t.evaluate([a, b]).loss).toBeCloseTo((16 * la + 6 * lb) / 22, 14);
    expect(t.trainBatch([a, b]).loss).toBeCloseTo((16 * la + 6 * lb) / 22, 14);
  });

  it('weights each sequence gradient by its share of the masked terms', () => {
    const sgd = { kind: 'sgd', lr: 1 } as const;
    const [a, b] = batch(2, [7, 4]);
    const step = (seqs: TrainingSequence[]) => {
      const t = new Trainer(options({ optimizer: sgd }));
      const before = t.paramsF64().get('rnn.weight_hh_l0')!;
      t.trainBatch(seqs);
      const after = t.paramsF64().get('rnn.weight_hh_l0')!;
      return after.map((v, i) => v - before[i]);
    };
    const da = step([a]);
    const db = step([b]);
    const both = step([a, b]);
    both.forEach((v, i) => expect(v).toBeCloseTo((7 * da[i] + 4 * db[i]) / 11, 14));
  });

  it('with tbptt carries the state across windows and steps once per window', () => {
    const seqs = batch(3, [10, 7]);
    const t = new Trainer(options({ tbptt: 4, optimizer: { kind: 'sgd', lr: 1e-12 } }));
    const { outputs } = t.evaluate(seqs);
    // Window losses from the full forward pass (state carried), by hand: [0,4), [4,8), [8,10).
    const windowLoss = (start: number, end: number) => {
      let sum = 0;
      let n = 0;
      seqs.forEach((s, b) => {
        for (let i = start * 2; i < Math.min(end, s.length) * 2; i++, n++) sum += (outputs[b][i] - s.targets[i]) ** 2;
      });
      return sum / n;
    };
    const expected = (windowLoss(0, 4) + windowLoss(4, 8) + windowLoss(8, 10)) / 3;
    const r = t.trainBatch(seqs);
    expect(r.optimizerSteps).toBe(3);
    expect(r.loss).toBeCloseTo(expected, 9);
    expect(t.optimizerSteps).toBe(3);
  });

  it('skips windows without a masked step and reports NaN for a batch without any', () => {
    const [seq] = batch(4, [10]);
    const lossMask = new Uint8Array(10);
    lossMask[9] = 1;
    const t = new Trainer(options({ tbptt: 4 }));
    expect(t.trainBatch([{ ...seq, lossMask }]).optimizerSteps).toBe(1);
    const before = t.paramsF64();
    const r = t.trainBatch([{ ...seq, lossMask: new Uint8Array(10) }]);
    expect(r.loss).toBeNaN();
    expect(r.optimizerSteps).toBe(0);
    expect(t.paramsF64()).toEqual(before);
  });

  it('resets h and c to zero after a step flagged resetAfter', () => {
    const spec = { ...SPEC, cell: 'lstm' as const };
    const t = new Trainer(options({ spec }));
    const [seq] = batch(6, [9], spec);
    const resetAfter = new Uint8Array(9);
    resetAfter[3] = 1;
    const joined = t.evaluate([{ ...seq, resetAfter }]).outputs[0];
    const tail = t.evaluate([{ inputs: seq.inputs.slice(12), targets: seq.targets.slice(8), lossMask: seq.lossMask.slice(4), resetAfter: new Uint8Array(5), length: 5 }]).outputs[0];
    expect([...joined.slice(8)]).toEqual([...tail]);
    expect(joined.slice(8)).not.toEqual(t.evaluate([seq]).outputs[0].slice(8));
  });

  it('returns float32 params rounded from the float64 weights', () => {
    const t = new Trainer(options());
    t.trainBatch(batch(7, [6]));
    const f64 = t.paramsF64().get('head.weight')!;
    expect([...t.params().headWeight]).toEqual([...f64].map(Math.fround));
  });

  it('rejects bad sequences with a TrainingDataError naming the sequence and step', () => {
    const t = new Trainer(options());
    const [good] = batch(8, [4]);
    expect(() => t.trainBatch([])).toThrow(TrainingDataError);
    expect(() => t.trainBatch([good, { ...good, length: 5 }])).toThrow(/sequence 1: inputs has 12 values, expected 15/);
    const inputs = good.inputs.slice();
    inputs[7] = NaN;
    expect(() => t.evaluate([{ ...good, inputs }])).toThrow(/sequence 0, step 2: input 1 is NaN/);
    const ce = new Trainer(options({ loss: 'cross_entropy' }));
    const cls = { ...good, targets: Float64Array.of(0, 1, 2, 1) };
    expect(() => ce.trainBatch([cls])).toThrow(/step 2: target 0 is 2, must be an integer class index in \[0, 2\)/);
  });

  it('rejects bad options with the error naming the option or tensor', () => {
    expect(() => new Trainer(options({ tbptt: -1 }))).toThrow(ConfigError);
    expect(() => new Trainer(options({ tbptt: 2.5 }))).toThrow(/tbptt must be an integer/);
    expect(() => new Trainer(options({ clipNorm: NaN }))).toThrow(/clipNorm/);
    const initial = initParams(SPEC, new SeededRandom(1));
    const broken = { ...initial, headBias: new Float32Array(3) };
    expect(() => new Trainer(options({ initial: broken }))).toThrow(ModelFormatError);
    expect(() => new Trainer(options({ initial: broken }))).toThrow(/head.bias/);
  });
});
