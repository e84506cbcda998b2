/**
 * TrainingSequences (training-contract.ts) from key series. Regression targets are standardised
 * with `targetScale` (training mean and std, stored in the manifest's `output` so predictions
 * are de-standardised on decoding); class targets stay class indices.
 */
import type { KeySeries } from './dataset-key-series.js';
import type { NormalisationStats } from './normalisation-stats.js';
import type { TrainingSequence } from './training-contract.js';

/**
 * The training part of every key. Many-to-many: one sequence per key (its training steps, state
 * carried through). Many-to-one: one sequence per many-to-one sequence (the state is reset
 * after each anyway). Sequences without a scored step are left out.
 */
export function trainingSequences(series: readonly KeySeries[], inputSize: number, width: number, manyToOne: boolean, targetScale?: NormalisationStats): TrainingSequence[] {
  const out: TrainingSequence[] = [];
  for (const s of series) {
    if (!manyToOne) {
      pushIfScored(out, s, 0, s.cut, s.trainMask, inputSize, width, targetScale);
      continue;
    }
    let start = 0;
    for (let t = 0; t < s.cut; t++) {
      if (s.ends[t] !== 1 && t !== s.cut - 1) continue;
      pushIfScored(out, s, start, t + 1, s.trainMask, inputSize, width, targetScale);
      start = t + 1;
    }
  }
  return out;
}

/**
 * One sequence per key over its steps up to the end of the validation part, scored on
 * validation steps only: evaluating it runs each key's validation part with the state warmed up
 * by its training part, as the stream would.
 */
export function validationSequences(series: readonly KeySeries[], inputSize: number, width: number, targetScale?: NormalisationStats): TrainingSequence[] {
  const out: TrainingSequence[] = [];
  for (const s of series) pushIfScored(out, s, 0, s.testCut, s.valMask, inputSize, width, targetScale);
  return out;
}

function pushIfScored(
  out: TrainingSequence[],
  s: KeySeries,
  from: number,
  to: number,
  mask: Uint8Array,
  inputSize: number,
  width: number,
  scale: NormalisationStats | undefined,
): void {
  const lossMask = mask.slice(from, to);
  if (!lossMask.includes(1)) return;
  const targets = s.targets.slice(from * width, to * width);
  if (scale) {
    for (let i = 0; i < targets.length; i++) targets[i] = (targets[i] - scale.mean[i % width]) / scale.std[i % width];
  }
  out.push({
    inputs: s.inputs.subarray(from * inputSize, to * inputSize),
    targets,
    lossMask,
    resetAfter: s.ends.slice(from, to),
    length: to - from,
  });
}
