/**
 * The two tokenizers a token model's vocabulary can name, so that a producer, the trainer and
 * a reader of the manifest split text the same way:
 *
 *     whitespace   maximal runs of non-whitespace characters (JavaScript's \s: spaces, tabs,
 *                  line breaks, Unicode spaces); punctuation stays attached ("end." is a token)
 *     characters   one token per Unicode code point (a surrogate pair is one token)
 *
 * With `lowercase`, text is lower-cased first (String.prototype.toLowerCase, locale-free).
 */

/** The tokenizer names of the manifest's `vocabulary.tokenizer`. */
export const TOKENIZERS = ['whitespace', 'characters'] as const;

/** One of {@link TOKENIZERS}. */
export type Tokenizer = (typeof TOKENIZERS)[number];

/** Splits `text` into tokens (see file header). */
export function tokenize(text: string, tokenizer: Tokenizer, lowercase: boolean): string[] {
  const t = lowercase ? text.toLowerCase() : text;
  if (tokenizer === 'characters') return Array.from(t);
  return t.split(/\s+/).filter((s) => s.length > 0);
}
