/**
 * The vocabulary of a token model (manifest `features.vocabulary`): token strings by id (the row
 * of `embedding.weight`), the id that stands for a token not in the list, whether tokens are
 * lower-cased before lookup, and the tokenizer the text was split with (src/text/tokenize.ts).
 */
import { z } from 'zod';
import { TOKENIZERS } from '../text/tokenize.js';

/** Most tokens a vocabulary may hold. */
export const MAX_VOCABULARY = 1_000_000;

export const vocabularySchema = z.object({
  /** Token of each id, in id order; unique. */
  tokens: z.array(z.string().max(1000)).min(1).max(MAX_VOCABULARY),
  /** The id an unknown token maps to (an index into `tokens`, e.g. of "<unk>"). */
  unknownId: z.number().int().min(0),
  lowercase: z.boolean().default(false),
  tokenizer: z.enum(TOKENIZERS).default('whitespace'),
});

export type VocabularySpec = z.infer<typeof vocabularySchema>;

/** Token -> id lookup of a validated vocabulary. */
export class Vocabulary {
  readonly size: number;
  readonly unknownId: number;
  readonly lowercase: boolean;
  private readonly ids: Map<string, number>;

  /** Throws Error naming the problem when ids collide or `unknownId` is out of range (callers wrap it). */
  constructor(spec: VocabularySpec) {
    this.size = spec.tokens.length;
    if (spec.unknownId >= this.size) throw new Error(`vocabulary.unknownId ${spec.unknownId} is not below the number of tokens (${this.size})`);
    this.unknownId = spec.unknownId;
    this.lowercase = spec.lowercase;
    this.ids = new Map();
    spec.tokens.forEach((token, id) => {
      if (this.ids.has(token)) throw new Error(`vocabulary.tokens lists ${JSON.stringify(token.slice(0, 40))} twice (ids ${this.ids.get(token)} and ${id})`);
      this.ids.set(token, id);
    });
  }

  /** The id of `token` (lower-cased first when the vocabulary says so), or undefined when unknown. */
  idOf(token: string): number | undefined {
    return this.ids.get(this.lowercase ? token.toLowerCase() : token);
  }
}
