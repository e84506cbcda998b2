/**
 * Options of a text training run (`rnn-stream train --target label|next_token`), their defaults
 * and their validation. The model and optimisation options are the event runs' (parsed by
 * parseTrainingOptions, so the rules and messages are the same); the text options are added here.
 * Every error is a ConfigError naming the option, the value and the rule.
 */
import { ConfigError } from '../../errors/index.js';
import { MAX_DIMENSION } from '../../model/model-spec.js';
import { MAX_VOCABULARY } from '../../model/vocabulary.js';
import { TOKENIZERS, type Tokenizer } from '../../text/tokenize.js';
import { parseTrainingOptions, type RawTrainingOptions, type TrainingRunOptions } from '../run-training-options.js';

/**
 * What a text file trains: `label` a many-to-one classifier (`label<TAB>text` per line, the class
 * read after the last token), `next_token` a language model (each line's next token after every
 * token but the last).
 */
export const TEXT_TARGETS = ['label', 'next_token'] as const;
export type TextTarget = (typeof TEXT_TARGETS)[number];

/** Whether `--target` names a text target. */
export function isTextTarget(target: string | undefined): target is TextTarget {
  return (TEXT_TARGETS as readonly string[]).includes(target ?? '');
}

/** A validated text training run. */
export interface TextTrainingOptions
  extends Pick<
    TrainingRunOptions,
    'input' | 'out' | 'name' | 'cell' | 'hidden' | 'layers' | 'epochs' | 'lr' | 'batch' | 'window' | 'clip' | 'optimizer' | 'weightDecay' | 'momentum' | 'seed' | 'patience' | 'valFraction'
  > {
  readonly target: TextTarget;
  readonly tokenizer: Tokenizer;
  readonly lowercase: boolean;
  /** A token enters the vocabulary when it occurs at least this often in the training split. */
  readonly minCount: number;
  /** Most tokens in the vocabulary, the unknown token included. */
  readonly maxVocab: number;
  /** Embedding size (the recurrent layer's input size). */
  readonly embedding: number;
  /** Share of the examples held out as the test split (after validation); 0 = none. */
  readonly testFraction: number;
  /** Shuffle the examples (seeded by `seed`) before splitting, instead of splitting in file order. */
  readonly shuffle: boolean;
  /** Skip invalid lines (each reported) instead of refusing the file. */
  readonly skipInvalid: boolean;
}

/** Defaults of the text options. */
export const TEXT_DEFAULTS = {
  tokenizer: 'whitespace',
  minCount: 1,
  maxVocab: 50_000,
  embedding: 32,
  testFraction: 0.1,
} as const;

/** Raw text options as the command line gives them (strings; absent = default). */
export type RawTextTrainingOptions = RawTrainingOptions &
  Partial<Record<'tokenizer' | 'lowercase' | 'minCount' | 'maxVocab' | 'embedding' | 'testFraction' | 'shuffle' | 'skipInvalid', string>>;

/** Validates raw options of a text run and fills defaults; throws ConfigError naming the first bad option. */
export function parseTextTrainingOptions(raw: RawTextTrainingOptions): TextTrainingOptions {
  const target = raw.target;
  if (!isTextTarget(target)) throw new ConfigError(`--target must be one of ${TEXT_TARGETS.join(', ')} for a text file; got ${JSON.stringify(target)}`, { key: '--target' });
  if (raw.loss !== undefined && raw.loss !== 'cross_entropy') {
    throw new ConfigError(`--loss ${raw.loss} does not fit --target ${target}: token models train with cross_entropy`, { key: '--loss' });
  }
  // The shared options, validated as for a class target (cross-entropy over classes).
  const base = parseTrainingOptions({ ...raw, target: 'class', loss: 'cross_entropy' });
  const tokenizer = raw.tokenizer ?? TEXT_DEFAULTS.tokenizer;
  if (!(TOKENIZERS as readonly string[]).includes(tokenizer)) {
    throw new ConfigError(`--tokenizer must be one of ${TOKENIZERS.join(', ')}; got ${JSON.stringify(tokenizer)}`, { key: '--tokenizer' });
  }
  // A language model's head has one output per token, so the vocabulary is bounded by the largest output size.
  const vocabLimit = target === 'next_token' ? MAX_DIMENSION : MAX_VOCABULARY;
  const valFraction = base.valFraction;
  const testFraction = fraction(raw.testFraction, TEXT_DEFAULTS.testFraction, '--test-fraction');
  if (valFraction + testFraction >= 1) {
    throw new ConfigError(`--val-fraction ${valFraction} and --test-fraction ${testFraction} leave nothing to train on (their sum must be < 1)`, { key: '--test-fraction' });
  }
  return {
    input: base.input,
    out: base.out,
    name: base.name,
    cell: base.cell,
    hidden: base.hidden,
    layers: base.layers,
    epochs: base.epochs,
    lr: base.lr,
    batch: base.batch,
    window: base.window,
    clip: base.clip,
    optimizer: base.optimizer,
    weightDecay: base.weightDecay,
    momentum: base.momentum,
    seed: base.seed,
    patience: base.patience,
    valFraction,
    target,
    tokenizer: tokenizer as Tokenizer,
    lowercase: raw.lowercase === 'true',
    minCount: integer(raw.minCount, TEXT_DEFAULTS.minCount, '--min-count', 1, 1_000_000_000),
    maxVocab: integer(raw.maxVocab, TEXT_DEFAULTS.maxVocab, '--max-vocab', 2, vocabLimit),
    embedding: integer(raw.embedding, TEXT_DEFAULTS.embedding, '--embedding', 1, MAX_DIMENSION),
    testFraction,
    shuffle: raw.shuffle === 'true',
    skipInvalid: raw.skipInvalid === 'true',
  };
}

function integer(v: string | undefined, fallback: number, key: string, min: number, max: number): number {
  if (v === undefined) return fallback;
  const n = v.trim() === '' ? NaN : Number(v);
  if (!(Number.isInteger(n) && n >= min && n <= max)) throw new ConfigError(`${key} must be an integer in ${min}..${max}; got ${JSON.stringify(v)}`, { key });
  return n;
}

function fraction(v: string | undefined, fallback: number, key: string): number {
  if (v === undefined) return fallback;
  const n = v.trim() === '' ? NaN : Number(v);
  if (!(Number.isFinite(n) && n >= 0 && n < 1)) throw new ConfigError(`${key} must be a number in [0, 1); got ${JSON.stringify(v)}`, { key });
  return n;
}
