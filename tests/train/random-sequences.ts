/** Seeded random training sequences for the training-core tests. */
import type { ModelSpec } from '../../src/model/model-spec.js';
import type { SeededRandom } from '../../src/model/random.js';
import type { LossKind, TrainingSequence } from '../../src/train/training-contract.js';

/** How loss and resets are laid out along a sequence. */
export type SequenceMode = 'many_to_many' | 'many_to_one';

/**
 * A sequence of `length` steps with inputs ~ N(0, 1) (`oneHot`: one input 1 and the rest 0 per
 * step, a symbol per step, which the trainer's sparse input path handles). Many-to-many: every step is masked.
 * Many-to-one: segments of 2..3 steps, each ending in a masked step followed by a reset; the
 * last step always ends a segment. Regression targets ~ N(0, 1) (unmasked ones are NaN, which
 * the trainer must never read); class targets uniform in [0, outputSize); variance proxies
 * (gaussian_nll, qlike) the square of an N(0, 1) draw.
 */
export function randomSequence(rng: SeededRandom, spec: ModelSpec, loss: LossKind, length: number, mode: SequenceMode, oneHot = false): TrainingSequence {
  const I = spec.inputSize;
  const inputs = oneHot ? new Float64Array(length * I) : Float64Array.from({ length: length * I }, () => rng.normal());
  if (oneHot) for (let t = 0; t < length; t++) inputs[t * I + rng.int(I)] = 1;
  const width = loss === 'cross_entropy' ? 1 : spec.outputSize;
  const lossMask = new Uint8Array(length);
  const resetAfter = new Uint8Array(length);
  if (mode === 'many_to_many') lossMask.fill(1);
  else {
    for (let t = 1 + rng.int(2); t < length; t += 2 + rng.int(2)) {
      lossMask[t] = 1;
      resetAfter[t] = 1;
    }
    lossMask[length - 1] = 1;
    resetAfter[length - 1] = 1;
  }
  const targets = new Float64Array(length * width);
  for (let t = 0; t < length; t++) {
    for (let k = 0; k < width; k++) {
      const regression = loss === 'gaussian_nll' || loss === 'qlike' ? rng.normal() ** 2 : rng.normal();
      targets[t * width + k] = !lossMask[t] ? NaN : loss === 'cross_entropy' ? rng.int(spec.outputSize) : regression;
    }
  }
  return { inputs, targets, lossMask, resetAfter, length };
}
