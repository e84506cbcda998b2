/**
 * A token model's vocabulary, chosen from the training split only:
 *
 *   id 0          "<unk>", the unknown token: every token not chosen maps to it (a text token
 *                 spelled "<unk>" included)
 *   ids 1 ..      the tokens occurring at least `minCount` times in the training examples, most
 *                 frequent first (ties in code-unit order of the token), at most `maxVocab` - 1
 *                 of them; tokens longer than MAX_TOKEN_LENGTH are never chosen (serving refuses
 *                 such a token event)
 */
import { MAX_TOKEN_LENGTH } from '../../events/decode-event.js';
import type { VocabularySpec } from '../../model/vocabulary.js';
import type { Tokenizer } from '../../text/tokenize.js';

/** The unknown token's spelling and id. */
export const UNKNOWN_TOKEN = '<unk>';
export const UNKNOWN_ID = 0;

/** The chosen vocabulary and the map from provisional to final ids. */
export interface BuiltVocabulary {
  readonly spec: VocabularySpec;
  /** Final id of each provisional id (UNKNOWN_ID when not chosen). */
  readonly remap: Int32Array;
  /** Distinct training tokens left out (rare, beyond maxVocab, too long). */
  readonly dropped: number;
}

/** What to choose from. */
export interface VocabularyOptions {
  readonly minCount: number;
  readonly maxVocab: number;
  readonly tokenizer: Tokenizer;
  readonly lowercase: boolean;
}

/**
 * Chooses the vocabulary from `tokens` (provisional id -> token) and the training examples'
 * provisional ids `train` (see file header).
 */
export function buildVocabulary(tokens: readonly string[], train: Iterable<Int32Array>, opts: VocabularyOptions): BuiltVocabulary {
  const counts = new Float64Array(tokens.length);
  for (const row of train) for (let i = 0; i < row.length; i++) counts[row[i]]++;
  const seen: number[] = [];
  for (let p = 0; p < tokens.length; p++) if (counts[p] > 0) seen.push(p);
  const eligible = seen.filter((p) => counts[p] >= opts.minCount && tokens[p].length <= MAX_TOKEN_LENGTH && tokens[p] !== UNKNOWN_TOKEN);
  eligible.sort((a, b) => counts[b] - counts[a] || (tokens[a] < tokens[b] ? -1 : tokens[a] > tokens[b] ? 1 : 0));
  const chosen = eligible.slice(0, opts.maxVocab - 1);
  const remap = new Int32Array(tokens.length).fill(UNKNOWN_ID);
  chosen.forEach((p, i) => (remap[p] = i + 1));
  return {
    spec: { tokens: [UNKNOWN_TOKEN, ...chosen.map((p) => tokens[p])], unknownId: UNKNOWN_ID, lowercase: opts.lowercase, tokenizer: opts.tokenizer },
    remap,
    dropped: seen.length - chosen.length,
  };
}
