/**
 * Generated customer comments on the chef's cooking (the seed's many-to-one example: a comment
 * read word by word, one class at its end), one `label<TAB>text` line each, from this grammar:
 *
 *     comment  := [opener] clause [("and" | ", but") clause] [closer]
 *     clause   := subject ("was" | "is") ["not"] [intensifier] adjective
 *
 * A clause's polarity is its adjective's, flipped by "not". With "and" both clauses share the
 * comment's polarity; with "but" the second clause decides it (the first has the other one).
 * So the label depends on word order and negation, which a bag of words cannot see. A share
 * `noise` of the labels is then flipped at random (no model can beat 1 - noise on average).
 *
 *     npx tsx examples/comment-classifier/gen-comments.ts --out comments.tsv [--n 6000] [--seed 13] [--noise 0.02]
 */
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { SeededRandom } from '../../src/model/random.js';

const SUBJECTS = ['the pizza', 'the chicken', 'the sandwich', 'the soup', 'the dessert', 'the sauce', 'the service', 'the waiter', 'the chef', 'the portion'];
const POSITIVE = ['good', 'great', 'delicious', 'tasty', 'excellent', 'fresh', 'friendly', 'perfect', 'amazing', 'lovely'];
const NEGATIVE = ['bad', 'awful', 'cold', 'bland', 'terrible', 'greasy', 'rude', 'slow', 'soggy', 'disappointing'];
const INTENSIFIERS = ['very', 'really', 'quite', 'so', 'truly'];
const OPENERS = ['Honestly,', 'Overall', 'Well,', 'Tonight', 'I think'];
const CLOSERS = ['!', '.', 'again.', 'tonight.', 'as usual.'];

/** Options of {@link comments}. */
export interface CommentOptions {
  readonly n: number;
  readonly seed: number;
  /** Share of labels flipped at random. */
  readonly noise: number;
}

/** The options the docs' figures use. */
export const COMMENT_DEFAULTS: CommentOptions = { n: 6000, seed: 13, noise: 0.02 };

/** `label<TAB>text` lines (see file header). */
export function comments(opts: CommentOptions): string[] {
  const rng = new SeededRandom(opts.seed);
  const pick = <T>(list: readonly T[]): T => list[rng.int(list.length)];
  const clause = (positive: boolean): string => {
    const negated = rng.next() < 0.35;
    const adjective = pick(positive !== negated ? POSITIVE : NEGATIVE);
    const words = [pick(SUBJECTS), pick(['was', 'is'])];
    if (negated) words.push('not');
    if (rng.next() < 0.4) words.push(pick(INTENSIFIERS));
    words.push(adjective);
    return words.join(' ');
  };
  const lines: string[] = [];
  for (let i = 0; i < opts.n; i++) {
    const positive = rng.next() < 0.5;
    const form = rng.next();
    let text = form < 0.4 ? clause(positive) : form < 0.65 ? `${clause(positive)} and ${clause(positive)}` : `${clause(!positive)}, but ${clause(positive)}`;
    if (rng.next() < 0.3) text = `${pick(OPENERS)} ${text}`;
    text = rng.next() < 0.5 ? `${text}${pick(CLOSERS).replace(/^(?=[a-z])/, ' ')}` : text;
    text = text.charAt(0).toUpperCase() + text.slice(1);
    const label = rng.next() < opts.noise ? !positive : positive;
    lines.push(`${label ? 'positive' : 'negative'}\t${text}`);
  }
  return lines;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { out: { type: 'string' }, n: { type: 'string' }, seed: { type: 'string' }, noise: { type: 'string' } } });
  if (!values.out) throw new Error('--out <file> is required');
  const opts = {
    n: values.n === undefined ? COMMENT_DEFAULTS.n : Number(values.n),
    seed: values.seed === undefined ? COMMENT_DEFAULTS.seed : Number(values.seed),
    noise: values.noise === undefined ? COMMENT_DEFAULTS.noise : Number(values.noise),
  };
  writeFileSync(values.out, `${comments(opts).join('\n')}\n`);
}
