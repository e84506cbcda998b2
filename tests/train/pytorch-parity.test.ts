import { describe, expect, it } from 'vitest';
import { Trainer } from '../../src/train/trainer.js';
import { batchOf, finalWeights, initialEmbedding, initialParams, parityCases, specOf, type ParityCase } from './pytorch-fixtures.js';

// Our Trainer against PyTorch 2.15 (float64, recorded by tests/fixtures/training/generate.py):
// same float32-exact initial weights, same batch, 25 full-batch training calls.
// Relative error: |ours - torch| / max(|torch|, 1e-6), elementwise for weights.
// Token cases (emb-*): the same with `embedding = nn.Embedding` before `rnn`, looked up per step.
// Observed (Node 20, x86-64): loss per call <= 6.3e-16, grad norm <= 3.6e-15, final weights
// <= 1.3e-13 (rnn_relu2-tbptt-clip). The tolerance below leaves three orders of magnitude.
const TOLERANCE = 1e-9;

const rel = (ours: number, torch: number): number => Math.abs(ours - torch) / Math.max(Math.abs(torch), 1e-6);

function trainerFor(c: ParityCase): Trainer {
  return new Trainer({
    spec: specOf(c),
    initial: initialParams(c),
    embedding: initialEmbedding(c),
    loss: c.loss,
    huberDelta: c.huberDelta,
    optimizer: c.optimizer,
    clipNorm: c.clipNorm,
    tbptt: c.tbptt,
  });
}

describe('training parity with PyTorch', () => {
  const cases = parityCases();

  it('covers every cell kind, 2 layers, adam/adamw/sgd, every loss, clipping, tbptt and many-to-one', () => {
    const kinds = new Set(cases.map((c) => c.cell));
    expect([...kinds].sort()).toEqual(['gru', 'lstm', 'rnn_relu', 'rnn_tanh']);
    expect(new Set(cases.map((c) => c.optimizer.kind))).toEqual(new Set(['adam', 'adamw', 'sgd']));
    expect(new Set(cases.map((c) => c.loss))).toEqual(new Set(['mse', 'huber', 'cross_entropy']));
    expect(cases.some((c) => c.numLayers === 2)).toBe(true);
    expect(cases.some((c) => (c.clipNorm ?? 0) > 0 && c.gradNorms[0] > c.clipNorm!)).toBe(true);
    expect(cases.some((c) => (c.tbptt ?? 0) > 0)).toBe(true);
    expect(cases.every((c) => c.losses.length >= 20)).toBe(true);
    // Token models (nn.Embedding before the rnn): every cell kind, many-to-one with tbptt, clipping.
    const tokens = cases.filter((c) => c.vocabSize);
    expect([...new Set(tokens.map((c) => c.cell))].sort()).toEqual(['gru', 'lstm', 'rnn_relu', 'rnn_tanh']);
    expect(tokens.some((c) => (c.tbptt ?? 0) > 0) && tokens.some((c) => (c.clipNorm ?? 0) > 0 && c.gradNorms[0] > c.clipNorm!)).toBe(true);
  });

  for (const c of cases) {
    it(`${c.name}: reproduces the loss and grad norm of every call and the final weights`, () => {
      const trainer = trainerFor(c);
      const batch = batchOf(c);
      c.losses.forEach((torchLoss, step) => {
        const r = trainer.trainBatch(batch);
        expect(rel(r.loss, torchLoss), `loss at call ${step}`).toBeLessThan(TOLERANCE);
        expect(rel(r.gradNorm, c.gradNorms[step]), `grad norm at call ${step}`).toBeLessThan(TOLERANCE);
      });
      const ours = trainer.paramsF64();
      const torch = finalWeights(c);
      expect([...ours.keys()].sort()).toEqual([...torch.keys()].sort());
      for (const [name, expected] of torch) {
        const actual = ours.get(name)!;
        const worst = expected.reduce((m, v, i) => Math.max(m, rel(actual[i], v)), 0);
        expect(worst, name).toBeLessThan(TOLERANCE);
      }
      // The weights moved: agreement is not just two copies of the initial weights.
      const initial = initialParams(c).headWeight;
      expect(torch.get('head.weight')!.some((v, i) => Math.abs(v - initial[i]) > 1e-3)).toBe(true);
      const embedding = initialEmbedding(c);
      if (embedding) expect(torch.get('embedding.weight')!.some((v, i) => Math.abs(v - embedding[i]) > 1e-3)).toBe(true);
    });
  }
});
