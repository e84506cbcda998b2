import { describe, expect, it } from 'vitest';
import { CELL_KINDS } from '../../src/model/cell-kind.js';
import { initEmbedding, initParams } from '../../src/model/init-params.js';
import type { ModelSpec } from '../../src/model/model-spec.js';
import { SeededRandom } from '../../src/model/random.js';
import { ParamVector } from '../../src/train/param-vector.js';
import type { LossKind, TrainingSequence } from '../../src/train/training-contract.js';
import { checkGradients } from './gradient-check.js';
import { randomSequence, type SequenceMode } from './random-sequences.js';

// Token models: the embedding table (nn.Embedding before the first layer) is a parameter like
// the others; its analytic gradient against finite differences (method: gradient-check.ts).
// Vocabulary 7, embedding 3, hidden 4; a batch of 3 token sequences of lengths 6, 4, 5 in which
// some ids repeat (their gradient terms add up) and one id never occurs (zero gradient).
const VOCAB = 7;
const UNUSED_ID = 6;
const TOLERANCE = 1e-6;

function tokenBatch(spec: ModelSpec, loss: LossKind, mode: SequenceMode, rng: SeededRandom): TrainingSequence[] {
  return [6, 4, 5].map((T) => {
    const seq = randomSequence(rng, spec, loss, T, mode);
    const tokenIds = Int32Array.from({ length: T }, (_, t) => (t === 1 ? 0 : rng.int(UNUSED_ID)));
    return { ...seq, inputs: new Float64Array(0), tokenIds };
  });
}

function setup(spec: ModelSpec, loss: LossKind, mode: SequenceMode, seed: number) {
  const rng = new SeededRandom(seed);
  const params = ParamVector.fromModelParams(spec, initParams(spec, rng), initEmbedding(VOCAB, spec.inputSize, rng));
  return { params, batch: tokenBatch(spec, loss, mode, rng) };
}

describe('embedding gradients match finite differences', () => {
  const cases: [LossKind, SequenceMode, number][] = [
    ['cross_entropy', 'many_to_one', 1],
    ['cross_entropy', 'many_to_many', 2],
    ['mse', 'many_to_many', 1],
  ];
  for (const cell of CELL_KINDS) {
    for (const [loss, mode, numLayers] of cases) {
      it(`${cell}, ${numLayers} layer(s), ${loss}, ${mode}: every tensor, embedding.weight included, within ${TOLERANCE}`, () => {
        const spec: ModelSpec = { cell, inputSize: 3, hiddenSize: 4, numLayers, outputSize: 3 };
        const { params, batch } = setup(spec, loss, mode, 11);
        const checks = checkGradients(params, loss, batch, { start: 0, end: 6 });
        expect([...checks.keys()]).toEqual(['embedding.weight', ...params.shapes.slice(1).map((s) => s.name)]);
        for (const [name, { error, maxAbs }] of checks) {
          expect(maxAbs, `${name} gradient is all zero`).toBeGreaterThan(1e-6);
          expect(error, name).toBeLessThan(TOLERANCE);
        }
      });
    }
    it(`${cell}: truncated BPTT window [3, 6) from the detached state, embedding within ${TOLERANCE}`, () => {
      const spec: ModelSpec = { cell, inputSize: 3, hiddenSize: 4, numLayers: 2, outputSize: 3 };
      const { params, batch } = setup(spec, 'cross_entropy', 'many_to_many', 12);
      const checks = checkGradients(params, 'cross_entropy', batch, { start: 3, end: 6 });
      expect(checks.get('embedding.weight')!.error).toBeLessThan(TOLERANCE);
      expect(checks.get('embedding.weight')!.maxAbs).toBeGreaterThan(1e-6);
    });
  }

  it('gives a token that never occurs a zero gradient, and detects a wrong embedding gradient', () => {
    const spec: ModelSpec = { cell: 'gru', inputSize: 3, hiddenSize: 4, numLayers: 1, outputSize: 3 };
    const { params, batch } = setup(spec, 'cross_entropy', 'many_to_many', 13);
    let unused: number[] = [];
    const checks = checkGradients(params, 'cross_entropy', batch, { start: 0, end: 6 }, (g) => {
      unused = Array.from(g.embedding!.subarray(UNUSED_ID * 3, UNUSED_ID * 3 + 3));
      g.embedding![0] *= 1 + 1e-5;
    });
    expect(unused).toEqual([0, 0, 0]);
    expect(checks.get('embedding.weight')!.error).toBeGreaterThan(TOLERANCE);
    expect(checks.get('rnn.weight_ih_l0')!.error).toBeLessThan(TOLERANCE);
  });
});
