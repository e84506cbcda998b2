import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetError } from '../../../src/errors/index.js';
import { readTextExamples, type TextReadOptions } from '../../../src/train/text/read-text-examples.js';

async function file(text: string): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'rnn-stream-text-')), 'in.txt');
  await writeFile(path, text);
  return path;
}

const label: TextReadOptions = { target: 'label', tokenizer: 'whitespace', lowercase: true, skipInvalid: false };
const lm: TextReadOptions = { target: 'next_token', tokenizer: 'characters', lowercase: false, skipInvalid: false };

describe('readTextExamples', () => {
  it('reads label<TAB>text lines: label trimmed, text tokenized (lower-cased), tokens interned in first-seen order', async () => {
    const path = await file('\ufeffpos \tThe Soup was good\nneg\tthe soup was\tBAD\r\n');
    const ex = await readTextExamples(path, label);
    expect(ex.tokens).toEqual(['the', 'soup', 'was', 'good', 'bad']);
    expect(ex.ids.map((r) => [...r])).toEqual([[0, 1, 2, 3], [0, 1, 2, 4]]);
    expect(ex.labels).toEqual(['pos', 'neg']);
    expect(ex.labelOf).toEqual([0, 1]);
    expect(ex.lineOf).toEqual([1, 2]);
    expect(ex.lines).toBe(2);
  });

  it('refuses a file with invalid lines, listing each with its line number and problem', async () => {
    const path = await file('pos\tgood\n\nno tab here\n\tno label\nneg\t   \nneg\tfine\n');
    const err = await readTextExamples(path, label).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetError);
    const message = (err as Error).message;
    expect(message).toContain('4 invalid line(s)');
    expect(message).toContain('line 2: empty line (expected label<TAB>text)');
    expect(message).toContain('line 3: no TAB: expected label<TAB>text');
    expect(message).toContain('line 4: empty label before the TAB');
    expect(message).toContain('line 5: the text after the TAB has no tokens (tokenizer whitespace)');
    expect(message).toContain(path);
  });

  it('with skipInvalid leaves invalid lines out and reports each', async () => {
    const path = await file('pos\tgood\nno tab\nneg\tbad\n');
    const reported: string[] = [];
    const ex = await readTextExamples(path, { ...label, skipInvalid: true }, (line, problem) => reported.push(`${line}: ${problem}`));
    expect(ex.lineOf).toEqual([1, 3]);
    expect(ex.invalid).toBe(1);
    expect(reported).toEqual(['2: no TAB: expected label<TAB>text']);
  });

  it('language model: one code point per token, blank lines and single-token lines skipped and counted', async () => {
    const path = await file('ab😀\n\n   \nx\nba\n');
    const ex = await readTextExamples(path, lm);
    expect(ex.tokens).toEqual(['a', 'b', '😀']);
    expect(ex.ids.map((r) => [...r])).toEqual([[0, 1, 2], [1, 0]]);
    expect(ex.lineOf).toEqual([1, 5]);
    expect({ blank: ex.blank, tooShort: ex.tooShort }).toEqual({ blank: 2, tooShort: 1 });
  });

  it('names the file when nothing is usable or it cannot be read', async () => {
    const empty = await file('\n\n');
    await expect(readTextExamples(empty, lm)).rejects.toThrow(/no usable example \(2 lines, 2 blank, 0 of a single token\)/);
    await expect(readTextExamples(join(tmpdir(), 'does-not-exist-rnn-stream.txt'), lm)).rejects.toThrow(/cannot read the input file/);
  });
});
