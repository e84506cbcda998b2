import { describe, expect, it } from 'vitest';
import { buildVocabulary, UNKNOWN_ID, UNKNOWN_TOKEN } from '../../../src/train/text/build-vocabulary.js';

// Provisional ids: 0 "the", 1 "cat", 2 "sat", 3 "on", 4 "mat", 5 "<unk>", 6 a 1001-character token, 7 "dog".
const tokens = ['the', 'cat', 'sat', 'on', 'mat', '<unk>', 'x'.repeat(1001), 'dog'];
// Training: the x3, cat x2, sat x2, on x1, mat x1, <unk> x2, long x2; "dog" (7) only outside training.
const train = [Int32Array.of(0, 1, 2, 5, 6), Int32Array.of(0, 1, 2, 3, 5, 6), Int32Array.of(0, 4)];
const opts = { minCount: 1, maxVocab: 100, tokenizer: 'whitespace' as const, lowercase: true };

describe('buildVocabulary', () => {
  it('puts <unk> at id 0, then the training tokens by count (ties in code-unit order), and records the tokenizer', () => {
    const v = buildVocabulary(tokens, train, opts);
    expect(v.spec).toEqual({ tokens: [UNKNOWN_TOKEN, 'the', 'cat', 'sat', 'mat', 'on'], unknownId: UNKNOWN_ID, lowercase: true, tokenizer: 'whitespace' });
    // the -> 1, cat -> 2, sat -> 3, on -> 5, mat -> 4; the text token "<unk>", the long token and "dog" map to unknown.
    expect([...v.remap]).toEqual([1, 2, 3, 5, 4, 0, 0, 0]);
    // Left out of the training tokens: "<unk>" and the long one ("dog" is not a training token).
    expect(v.dropped).toBe(2);
  });

  it('keeps only tokens seen at least minCount times in training', () => {
    const v = buildVocabulary(tokens, train, { ...opts, minCount: 2 });
    expect(v.spec.tokens).toEqual([UNKNOWN_TOKEN, 'the', 'cat', 'sat']);
    expect(v.remap[3]).toBe(UNKNOWN_ID);
  });

  it('caps the vocabulary at maxVocab entries, <unk> included, dropping the rarest', () => {
    const v = buildVocabulary(tokens, train, { ...opts, maxVocab: 3 });
    expect(v.spec.tokens).toEqual([UNKNOWN_TOKEN, 'the', 'cat']);
    expect([...v.remap]).toEqual([1, 2, 0, 0, 0, 0, 0, 0]);
  });
});
