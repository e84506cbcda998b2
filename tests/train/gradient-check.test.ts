import { describe, expect, it } from 'vitest';
import { CELL_KINDS } from '../../src/model/cell-kind.js';
import { initParams } from '../../src/model/init-params.js';
import type { ModelSpec } from '../../src/model/model-spec.js';
import { SeededRandom } from '../../src/model/random.js';
import { ParamVector } from '../../src/train/param-vector.js';
import type { LossKind, TrainingSequence } from '../../src/train/training-contract.js';
import { CHECK_HUBER_DELTA, checkGradients, forwardOutputs } from './gradient-check.js';
import { randomSequence, type SequenceMode } from './random-sequences.js';

// Analytic BPTT gradients vs finite differences (method and error definition: gradient-check.ts).
// Model: input 3, hidden 4, output 2; a batch of 3 sequences of lengths 6, 4, 5 (padding).
const LOSSES: LossKind[] = ['mse', 'huber', 'cross_entropy', 'gaussian_nll', 'qlike'];
const MODES = ['many_to_many', 'many_to_one', 'tbptt'] as const;
const TOLERANCE = 1e-6;

/**
 * Huber targets are placed at y ± U(0.1, 0.3) or y ± U(0.8, 1.2) (y = the model's output), so
 * both branches (|d| < delta = 0.5 and beyond) are exercised and no difference straddles the
 * kink at |d| = delta (stepLossDifference throws if one did).
 */
function huberTargets(params: ParamVector, seq: TrainingSequence, rng: SeededRandom): TrainingSequence {
  const y = forwardOutputs(params, seq);
  const targets = y.map((v, i) => (seq.lossMask[Math.floor(i / 2)] ? v + (rng.next() < 0.5 ? -1 : 1) * ((rng.next() < 0.5 ? 0.1 : 0.8) + 0.2 * rng.next()) : NaN));
  return { ...seq, targets };
}

function setup(spec: ModelSpec, loss: LossKind, mode: SequenceMode, seed: number) {
  const rng = new SeededRandom(seed);
  const params = ParamVector.fromModelParams(spec, initParams(spec, rng));
  let batch = [6, 4, 5].map((T) => randomSequence(rng, spec, loss, T, mode));
  if (loss === 'huber') batch = batch.map((s) => huberTargets(params, s, rng));
  return { params, batch };
}

describe('BPTT gradients match finite differences', () => {
  for (const cell of CELL_KINDS) {
    for (const numLayers of [1, 2]) {
      for (const loss of LOSSES) {
        for (const mode of MODES) {
          it(`${cell}, ${numLayers} layer(s), ${loss}, ${mode}: every tensor within ${TOLERANCE}`, () => {
            const spec: ModelSpec = { cell, inputSize: 3, hiddenSize: 4, numLayers, outputSize: 2 };
            const { params, batch } = setup(spec, loss, mode === 'tbptt' ? 'many_to_many' : mode, 7);
            // tbptt: the second window [3, 6) from the detached state left by [0, 3).
            const window = mode === 'tbptt' ? { start: 3, end: 6 } : { start: 0, end: 6 };
            const checks = checkGradients(params, loss, batch, window);
            expect([...checks.keys()]).toEqual(params.shapes.map((s) => s.name));
            for (const [name, { error, maxAbs }] of checks) {
              expect(maxAbs, `${name} gradient is all zero`).toBeGreaterThan(1e-6);
              expect(error, name).toBeLessThan(TOLERANCE);
            }
          });
        }
      }
    }
  }

  for (const cell of CELL_KINDS) {
    it(`${cell}, 2 layers, one-hot inputs (the sparse input path), many_to_many: every tensor within ${TOLERANCE}`, () => {
      const spec: ModelSpec = { cell, inputSize: 6, hiddenSize: 4, numLayers: 2, outputSize: 2 };
      const rng = new SeededRandom(8);
      const params = ParamVector.fromModelParams(spec, initParams(spec, rng));
      const batch = [6, 4, 5].map((T) => randomSequence(rng, spec, 'mse', T, 'many_to_many', true));
      const checks = checkGradients(params, 'mse', batch, { start: 0, end: 6 });
      for (const [name, { error, maxAbs }] of checks) {
        expect(maxAbs, `${name} gradient is all zero`).toBeGreaterThan(1e-6);
        expect(error, name).toBeLessThan(TOLERANCE);
      }
    });
  }

  it('detects a gradient that is wrong by 1e-5 relative in a single element', () => {
    const spec: ModelSpec = { cell: 'gru', inputSize: 3, hiddenSize: 4, numLayers: 2, outputSize: 2 };
    const { params, batch } = setup(spec, 'mse', 'many_to_many', 7);
    const checks = checkGradients(params, 'mse', batch, { start: 0, end: 6 }, (g) => {
      g.layers[0].weightHh[5] *= 1 + 1e-5;
    });
    expect(checks.get('rnn.weight_hh_l0')!.error).toBeGreaterThan(TOLERANCE);
    expect(checks.get('rnn.weight_ih_l0')!.error).toBeLessThan(TOLERANCE);
  });

  it('uses the huber margin it claims: targets sit 0.1-0.3 or 0.8-1.2 from the outputs', () => {
    const spec: ModelSpec = { cell: 'lstm', inputSize: 3, hiddenSize: 4, numLayers: 1, outputSize: 2 };
    const { params, batch } = setup(spec, 'huber', 'many_to_many', 7);
    const gaps = batch.flatMap((s) => [...forwardOutputs(params, s)].map((y, i) => Math.abs(y - s.targets[i])));
    expect(gaps.every((g) => (g > 0.1 - 1e-9 && g < 0.3 + 1e-9) || (g > 0.8 - 1e-9 && g < 1.2 + 1e-9))).toBe(true);
    expect(gaps.some((g) => g < CHECK_HUBER_DELTA) && gaps.some((g) => g > CHECK_HUBER_DELTA)).toBe(true);
  });
});
