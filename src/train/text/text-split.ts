/**
 * The split of a text file's examples: in file order (or shuffled with a seeded generator), the
 * first share trains, the next `valFraction` validates (early stopping), the last
 * `testFraction` tests; counts are floor(n × fraction), training gets the rest.
 */
import { DatasetError } from '../../errors/index.js';
import { SeededRandom } from '../../model/random.js';

/** Example indices of each part, in the order the parts list them. */
export interface TextSplit {
  readonly train: readonly number[];
  readonly validation: readonly number[];
  readonly test: readonly number[];
  readonly shuffled: boolean;
}

/** Splits `n` examples; throws DatasetError when a part asked for would be empty. */
export function splitExamples(n: number, valFraction: number, testFraction: number, shuffle: boolean, seed: number, file: string): TextSplit {
  const order = Array.from({ length: n }, (_, i) => i);
  if (shuffle) new SeededRandom(seed).shuffle(order);
  const nTest = Math.floor(n * testFraction);
  const nVal = Math.floor(n * valFraction);
  const nTrain = n - nVal - nTest;
  if (nVal === 0 || nTrain === 0 || (testFraction > 0 && nTest === 0)) {
    throw new DatasetError(
      `${n} examples are too few for --val-fraction ${valFraction} and --test-fraction ${testFraction} (train ${nTrain}, validation ${nVal}, test ${nTest}; each must hold at least one)`,
      { file },
    );
  }
  return { train: order.slice(0, nTrain), validation: order.slice(nTrain, nTrain + nVal), test: order.slice(nTrain + nVal), shuffled: shuffle };
}
