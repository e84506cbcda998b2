import { describe, expect, it } from 'vitest';
import { tokenize } from '../../src/text/tokenize.js';

describe('tokenize', () => {
  it('whitespace: runs of non-space characters, punctuation attached, any whitespace separates', () => {
    expect(tokenize('  The soup\twas\ncold.  ', 'whitespace', false)).toEqual(['The', 'soup', 'was', 'cold.']);
    expect(tokenize('The SOUP', 'whitespace', true)).toEqual(['the', 'soup']);
    expect(tokenize(' \n ', 'whitespace', false)).toEqual([]);
  });

  it('characters: one token per code point, spaces included, a surrogate pair kept whole', () => {
    expect(tokenize('Ab c', 'characters', false)).toEqual(['A', 'b', ' ', 'c']);
    expect(tokenize('a😀', 'characters', false)).toEqual(['a', '😀']);
    expect(tokenize('AB', 'characters', true)).toEqual(['a', 'b']);
  });
});
