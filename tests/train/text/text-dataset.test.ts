import { describe, expect, it } from 'vitest';
import { DatasetError } from '../../../src/errors/index.js';
import type { TextExamples } from '../../../src/train/text/read-text-examples.js';
import { buildTextDataset, textSequence } from '../../../src/train/text/text-dataset.js';
import { parseTextTrainingOptions } from '../../../src/train/text/text-training-options.js';
import { splitExamples } from '../../../src/train/text/text-split.js';

/** Ten examples, provisional tokens t0..t5, lines 1..10; labels as given. */
function examples(labels: string[]): TextExamples {
  const names = [...new Set(labels)];
  const ids = labels.map((_, i) => Int32Array.of(i % 3, 3 + (i % 2), i >= 8 ? 5 : 0));
  return {
    tokens: ['t0', 't1', 't2', 't3', 't4', 't5'],
    labels: names,
    ids,
    labelOf: labels.map((l) => names.indexOf(l)),
    lineOf: labels.map((_, i) => i + 1),
    sha256: '',
    lines: labels.length,
    invalid: 0,
    blank: 0,
    tooShort: 0,
  };
}

const options = (extra: Record<string, string> = {}) =>
  parseTextTrainingOptions({ input: 'in.tsv', out: 'out', target: 'label', valFraction: '0.2', testFraction: '0.1', ...extra });

describe('text dataset', () => {
  it('splits in file order: train, then validation, then test (floor of each share)', () => {
    expect(splitExamples(10, 0.2, 0.1, false, 1, 'f')).toEqual({ train: [0, 1, 2, 3, 4, 5, 6], validation: [7, 8], test: [9], shuffled: false });
    const shuffled = splitExamples(10, 0.2, 0.1, true, 1, 'f');
    expect([...shuffled.train, ...shuffled.validation, ...shuffled.test].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(shuffled).toEqual(splitExamples(10, 0.2, 0.1, true, 1, 'f'));
    expect(() => splitExamples(4, 0.2, 0.1, false, 1, 'f')).toThrow(/4 examples are too few .* \(train 4, validation 0, test 0/);
  });

  it('builds the vocabulary from the training split only and counts unknown tokens per part', () => {
    const ds = buildTextDataset(examples(['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b', 'a', 'b']), options());
    // t5 occurs only in examples 8 and 9 (validation, test): not in the vocabulary.
    expect(ds.vocabulary.tokens).not.toContain('t5');
    expect(ds.coverage.validation).toEqual({ examples: 2, tokens: 6, unknown: 1 });
    expect(ds.coverage.test).toEqual({ examples: 1, tokens: 3, unknown: 1 });
    expect(ds.coverage.train.unknown).toBe(0);
    expect(ds.classes).toEqual(['a', 'b']);
    expect(ds.parts.test[0]).toMatchObject({ label: 1, line: 10 });
  });

  it('refuses a validation or test label that training never saw, naming its line', () => {
    const labels = ['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b', 'c', 'b'];
    expect(() => buildTextDataset(examples(labels), options())).toThrow(DatasetError);
    expect(() => buildTextDataset(examples(labels), options())).toThrow(/line 9: label "c" does not occur in the training split \(the classes are the training labels: "a", "b"\)/);
    const left: number[] = [];
    const ds = buildTextDataset(examples(labels), options({ skipInvalid: 'true' }), (line) => left.push(line));
    expect(left).toEqual([9]);
    expect(ds.unseenLabels).toBe(1);
    expect(ds.parts.validation.map((e) => e.line)).toEqual([8]);
  });

  it('makes many-to-one sequences for labels and next-token sequences for a language model', () => {
    const ex = { ids: Int32Array.of(4, 7, 9), label: 1, line: 1 };
    const clf = textSequence(ex, false);
    expect([...clf.lossMask]).toEqual([0, 0, 1]);
    expect(clf.targets[2]).toBe(1);
    expect([...clf.resetAfter]).toEqual([0, 0, 1]);
    const lm = textSequence(ex, true);
    expect([...lm.lossMask]).toEqual([1, 1, 0]);
    expect([...lm.targets.subarray(0, 2)]).toEqual([7, 9]);
    expect(lm.tokenIds).toBe(ex.ids);
  });
});
