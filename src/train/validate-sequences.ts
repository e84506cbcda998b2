import { TrainingDataError } from '../errors/index.js';
import type { ModelSpec } from '../model/model-spec.js';
import type { LossFunction } from './losses/loss-function.js';
import { isVarianceLoss, type TrainingSequence } from './training-contract.js';

/**
 * Checks every sequence against the model and the loss before any math runs: buffer lengths
 * match `length`, inputs are finite, and the targets of masked steps are finite (regression) or
 * integer class indices in [0, outputSize) (cross-entropy), or finite and >= 0 (variance losses). Targets of unmasked steps are not
 * read, so they may hold anything. Throws TrainingDataError naming the sequence and step.
 */
export function validateSequences(spec: ModelSpec, loss: LossFunction, seqs: readonly TrainingSequence[], vocabSize = 0): void {
  const I = vocabSize > 0 ? 0 : spec.inputSize;
  const O = spec.outputSize;
  const tw = loss.targetWidth(O);
  seqs.forEach((seq, b) => {
    const T = seq.length;
    if (!Number.isInteger(T) || T < 0) throw new TrainingDataError(`length must be an integer >= 0, got ${T}`, { sequence: b });
    const sizes: [string, number, number][] = [
      ['inputs', seq.inputs.length, T * I],
      ['targets', seq.targets.length, T * tw],
      ['lossMask', seq.lossMask.length, T],
      ['resetAfter', seq.resetAfter.length, T],
    ];
    for (const [name, actual, expected] of sizes) {
      if (actual !== expected) {
        throw new TrainingDataError(`${name} has ${actual} values, expected ${expected} (length ${T})`, { sequence: b });
      }
    }
    if (vocabSize > 0) {
      const ids = seq.tokenIds;
      if (!ids || ids.length !== T) throw new TrainingDataError(`tokenIds has ${ids?.length ?? 0} values, expected ${T} (length ${T})`, { sequence: b });
      for (let t = 0; t < T; t++) {
        if (!(ids[t] >= 0 && ids[t] < vocabSize)) throw new TrainingDataError(`token id ${ids[t]} is outside the vocabulary (0..${vocabSize - 1})`, { sequence: b, step: t });
      }
    }
    for (let i = 0; i < seq.inputs.length; i++) {
      if (!Number.isFinite(seq.inputs[i])) {
        throw new TrainingDataError(`input ${i % I} is ${seq.inputs[i]}`, { sequence: b, step: Math.floor(i / I) });
      }
    }
    for (let t = 0; t < T; t++) {
      if (!seq.lossMask[t]) continue;
      for (let k = 0; k < tw; k++) {
        const v = seq.targets[t * tw + k];
        const variance = isVarianceLoss(loss.kind);
        if (loss.kind === 'cross_entropy' ? !(Number.isInteger(v) && v >= 0 && v < O) : !(Number.isFinite(v) && (!variance || v >= 0))) {
          const rule = loss.kind === 'cross_entropy' ? `an integer class index in [0, ${O})` : variance ? `a finite variance proxy >= 0 for ${loss.kind}` : 'finite';
          throw new TrainingDataError(`target ${k} is ${v}, must be ${rule}`, { sequence: b, step: t });
        }
      }
    }
  });
}
