import { describe, expect, it } from 'vitest';
import type { ModelParams } from '../../src/model/model-params.js';
import { SeededRandom } from '../../src/model/random.js';
import { runTrainingLoop, type EpochReport } from '../../src/train/run-training-loop.js';
import type { Trainer } from '../../src/train/trainer.js';
import type { TrainingSequence } from '../../src/train/training-contract.js';

/** A stand-in trainer whose parameters are just the number of batches trained, and scripted validation losses. */
function scriptedTrainer(validationLosses: number[]) {
  let batches = 0;
  let evaluations = 0;
  const seen: number[][] = [];
  const params = (): ModelParams => ({ layers: [], headWeight: Float32Array.of(batches), headBias: new Float32Array(0) });
  const trainer = {
    trainBatch(batch: readonly TrainingSequence[]) {
      batches++;
      seen.push(batch.map((s) => s.length));
      return { loss: 1, gradNorm: 0 };
    },
    evaluate() {
      return { loss: validationLosses[evaluations++], outputs: [] };
    },
    params,
    embedding: () => Float32Array.of(batches),
  };
  return { trainer: trainer as unknown as Trainer, seen };
}

const seqs = [1, 2, 3, 4, 5].map((length): TrainingSequence => ({ length, inputs: new Float64Array(0), targets: new Float64Array(0), lossMask: new Uint8Array(0), resetAfter: new Uint8Array(0) }));

describe('runTrainingLoop', () => {
  it('stops after `patience` epochs without improvement and keeps the parameters of the best epoch', async () => {
    const { trainer } = scriptedTrainer([5, 3, 4, 2, 2.5, 2.1, 9, 9]);
    const reports: EpochReport[] = [];
    const r = await runTrainingLoop(trainer, seqs, [], { epochs: 8, batch: 2, patience: 2 }, new SeededRandom(1), { onEpoch: (e) => reports.push(e) });
    expect(r.epochsRun).toBe(6);
    expect(r.bestEpoch).toBe(4);
    expect(r.bestValidationLoss).toBe(2);
    // 3 batches per epoch: the best parameters are those after epoch 4's 12th batch.
    expect(r.best.headWeight[0]).toBe(12);
    expect(r.bestEmbedding![0]).toBe(12);
    expect(reports.map((e) => e.improved)).toEqual([true, true, false, true, false, false]);
  });

  it('shuffles the sequences into batches reproducibly from the seed, each sequence once per epoch', async () => {
    const runs = [1, 1, 2].map(async (seed) => {
      const { trainer, seen } = scriptedTrainer([1, 1, 1]);
      await runTrainingLoop(trainer, seqs, [], { epochs: 3, batch: 2, patience: 5 }, new SeededRandom(seed));
      return seen;
    });
    const [a, b, c] = await Promise.all(runs);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    for (let epoch = 0; epoch < 3; epoch++) expect(a.slice(epoch * 3, epoch * 3 + 3).flat().sort()).toEqual([1, 2, 3, 4, 5]);
  });
});
