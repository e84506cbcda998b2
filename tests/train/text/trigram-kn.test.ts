import { describe, expect, it } from 'vitest';
import { KN_DISCOUNT, TrigramKneserNey } from '../../../src/train/text/trigram-kn.js';

const D = KN_DISCOUNT;
// Vocabulary of 5 ids (4 never occurs). Lines: a b a b c / a b c / c a.
const [a, b, c] = [0, 1, 2];
const V = 5;
const lines = [Int32Array.of(a, b, a, b, c), Int32Array.of(a, b, c), Int32Array.of(c, a)];
const model = new TrigramKneserNey(V, lines);

describe('TrigramKneserNey', () => {
  it('sums to 1 over the vocabulary in seen, partly seen and unseen contexts', () => {
    for (const [u, v] of [[-1, a], [a, b], [b, a], [c, c], [-1, 4], [4, 4], [b, c]]) {
      let sum = 0;
      for (let w = 0; w < V; w++) sum += model.prob(u, v, w);
      expect(sum, `context ${u} ${v}`).toBeCloseTo(1, 12);
    }
  });

  it('matches the interpolated Kneser-Ney formulas, worked by hand', () => {
    // Trigram events (u v w), <s> = s: (s a b) (a b a) (b a b) (a b c) | (s a b) (a b c) | (s c a).
    // Middle order, N1+(· v w) = distinct u before v w: (a b) {s, b} 2; (b a) {a} 1; (b c) {a} 1; (c a) {s} 1.
    // P1: the 4 bigram types (v w) give continuation counts N1+(· w): a 2 (b, c), b 1 (a), c 1 (b); 3 types.
    const p1 = (n: number) => Math.max(n - D, 0) / 4 + (D * 3) / 4 / V;
    // P2(w | b): N1+(· b a) = 1, N1+(· b c) = 1 -> N1+(· b ·) = 2, 2 types.
    const p2b = (n: number, w1: number) => Math.max(n - D, 0) / 2 + ((D * 2) / 2) * w1;
    // P3(c | a b): c(a b ·) = 3 (a once, c twice), 2 distinct followers.
    const expected = Math.max(2 - D, 0) / 3 + ((D * 2) / 3) * p2b(1, p1(1));
    expect(model.prob(a, b, c)).toBeCloseTo(expected, 14);
    // Unseen trigram context (c b): backs off to P2(a | b).
    expect(model.prob(c, b, a)).toBeCloseTo(p2b(1, p1(2)), 14);
    // A token never seen gets only the uniform share of P1, through every back-off weight.
    expect(model.prob(a, b, 4)).toBeCloseTo(((D * 2) / 3) * p2b(0, p1(0)), 14);
  });

  it('predicts the most probable next token of the full distribution', () => {
    for (const [u, v] of [[-1, a], [a, b], [b, a], [c, c], [4, 4], [-1, c]]) {
      let best = 0;
      for (let w = 1; w < V; w++) if (model.prob(u, v, w) > model.prob(u, v, best)) best = w;
      expect(model.predict(u, v), `context ${u} ${v}`).toBe(best);
    }
  });
});
