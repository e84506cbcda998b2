import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COMMENT_DEFAULTS, comments } from '../../examples/comment-classifier/gen-comments.js';

const path = (p: string) => fileURLToPath(new URL(`../../examples/${p}`, import.meta.url));

describe('text examples', () => {
  it('ships comments.tsv exactly as the generator writes it with its defaults, labels following the grammar', () => {
    const lines = comments(COMMENT_DEFAULTS);
    expect(readFileSync(path('comment-classifier/comments.tsv'), 'utf-8')).toBe(`${lines.join('\n')}\n`);
    expect(lines).toHaveLength(6000);
    // Without noise, a "but" comment takes the polarity of its last clause's adjective, negation flipping it.
    const clean = comments({ ...COMMENT_DEFAULTS, noise: 0 });
    const line = clean.find((l) => /, but the \w+ (was|is) not (very |really |quite |so |truly )?good\b/.test(l))!;
    expect(line.startsWith('negative\t')).toBe(true);
  });

  it('ships the Genesis text the docs describe: 1,533 verses, ASCII, no verse references', () => {
    const text = readFileSync(path('char-lm/genesis-kjv.txt'), 'utf-8');
    const verses = text.trimEnd().split('\n');
    expect(verses).toHaveLength(1533);
    expect(Buffer.byteLength(text)).toBe(196_818);
    expect(verses[0]).toBe('In the beginning God created the heaven and the earth.');
    expect(verses.some((v) => /^Ge\d+:\d+/.test(v))).toBe(false);
  });
});
