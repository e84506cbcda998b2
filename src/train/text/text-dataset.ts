/**
 * A text file's examples made ready for training: the split (text-split.ts), the vocabulary from
 * the training split (build-vocabulary.ts), every example's token ids in that vocabulary (a token
 * not in it becomes the unknown id, counted per part), the classes (label target: the labels of
 * the training split, in code-unit order) and the training sequences:
 *
 *     label        many-to-one: inputs w_0 .. w_{n-1}, the class scored after w_{n-1}
 *     next_token   many-to-many: input w_t, target w_{t+1}, for t = 0 .. n-2
 *
 * each line from a zero state. A validation or test label that training never saw cannot be
 * predicted: it is refused with its line (or, with skipInvalid, reported and its example left out).
 */
import { DatasetError } from '../../errors/index.js';
import type { VocabularySpec } from '../../model/vocabulary.js';
import type { TrainingSequence } from '../training-contract.js';
import { buildVocabulary, UNKNOWN_ID } from './build-vocabulary.js';
import type { TextExamples } from './read-text-examples.js';
import { splitExamples } from './text-split.js';
import type { TextTrainingOptions } from './text-training-options.js';

/** The three parts of a text dataset. */
export type TextPart = 'train' | 'validation' | 'test';

/** One example in vocabulary ids. */
export interface TextExample {
  readonly ids: Int32Array;
  /** Class index (label target); -1 for a language model. */
  readonly label: number;
  readonly line: number;
}

/** Token counts of one part: all tokens, and those that became the unknown id. */
export interface TokenCoverage {
  readonly examples: number;
  readonly tokens: number;
  readonly unknown: number;
}

/** Everything a text run trains and evaluates on. */
export interface TextDataset {
  readonly vocabulary: VocabularySpec;
  /** Distinct training tokens the vocabulary left out. */
  readonly droppedTokens: number;
  /** Class names in class-index order (label target); empty for a language model. */
  readonly classes: readonly string[];
  readonly parts: Readonly<Record<TextPart, readonly TextExample[]>>;
  readonly coverage: Readonly<Record<TextPart, TokenCoverage>>;
  /** Examples left out because their label was not in the training split (skipInvalid). */
  readonly unseenLabels: number;
  readonly shuffled: boolean;
}

/** Builds the dataset; `onInvalid` receives the examples left out under skipInvalid. */
export function buildTextDataset(
  ex: TextExamples,
  opts: TextTrainingOptions,
  onInvalid: (line: number, problem: string) => void = () => undefined,
): TextDataset {
  const split = splitExamples(ex.ids.length, opts.valFraction, opts.testFraction, opts.shuffle, opts.seed, opts.input);
  const vocab = buildVocabulary(ex.tokens, split.train.map((i) => ex.ids[i]), opts);
  const labelTask = opts.target === 'label';
  const trainLabels = labelTask ? [...new Set(split.train.map((i) => ex.labelOf[i]))].map((p) => ex.labels[p]).sort(codeUnitOrder) : [];
  const classOf = new Map(trainLabels.map((name, c) => [name, c]));
  const problems: string[] = [];
  let unseen = 0;
  const part = (indices: readonly number[]): { examples: TextExample[]; coverage: TokenCoverage } => {
    const examples: TextExample[] = [];
    let tokens = 0;
    let unknown = 0;
    for (const i of indices) {
      const line = ex.lineOf[i];
      const label = labelTask ? classOf.get(ex.labels[ex.labelOf[i]]) : -1;
      if (label === undefined) {
        unseen++;
        const problem = `label ${JSON.stringify(ex.labels[ex.labelOf[i]])} does not occur in the training split (the classes are the training labels: ${trainLabels.map((l) => JSON.stringify(l)).join(', ')})`;
        if (opts.skipInvalid) onInvalid(line, problem);
        else if (problems.length < 10) problems.push(`line ${line}: ${problem}`);
        continue;
      }
      const ids = ex.ids[i].map((p) => vocab.remap[p]);
      tokens += ids.length;
      for (let t = 0; t < ids.length; t++) if (ids[t] === UNKNOWN_ID) unknown++;
      examples.push({ ids, label, line });
    }
    return { examples, coverage: { examples: examples.length, tokens, unknown } };
  };
  const train = part(split.train);
  const validation = part(split.validation);
  const test = part(split.test);
  if (problems.length > 0) {
    const more = unseen > problems.length ? `\n  ... and ${unseen - problems.length} more` : '';
    throw new DatasetError(`${unseen} example(s) with a label the training split does not have (--skip-invalid leaves them out; --shuffle mixes the file before splitting):\n  ${problems.join('\n  ')}${more}`, { file: opts.input });
  }
  if (labelTask && trainLabels.length < 2) throw new DatasetError(`the training split has ${trainLabels.length} label(s); a classifier needs at least 2`, { file: opts.input });
  if (validation.examples.length === 0) throw new DatasetError('the validation split has no usable example', { file: opts.input });
  return {
    vocabulary: vocab.spec,
    droppedTokens: vocab.dropped,
    classes: trainLabels,
    parts: { train: train.examples, validation: validation.examples, test: test.examples },
    coverage: { train: train.coverage, validation: validation.coverage, test: test.coverage },
    unseenLabels: unseen,
    shuffled: split.shuffled,
  };
}

/** The training sequence of an example (see file header). */
export function textSequence(ex: TextExample, languageModel: boolean): TrainingSequence {
  const T = ex.ids.length;
  const targets = new Float64Array(T);
  const lossMask = new Uint8Array(T);
  const resetAfter = new Uint8Array(T);
  resetAfter[T - 1] = 1;
  if (languageModel) {
    for (let t = 0; t + 1 < T; t++) {
      targets[t] = ex.ids[t + 1];
      lossMask[t] = 1;
    }
  } else {
    targets[T - 1] = ex.label;
    lossMask[T - 1] = 1;
  }
  return { inputs: new Float64Array(0), tokenIds: ex.ids, targets, lossMask, resetAfter, length: T };
}

function codeUnitOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
