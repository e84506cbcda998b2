/**
 * Softmax cross-entropy on logits, torch.nn.CrossEntropyLoss(reduction='mean') with a class
 * index target: per masked step ℓ = logsumexp(y) - y[c], averaged over masked steps;
 * dℓ/dy = softmax(y) - onehot(c). The target is one number per step, an integer in
 * [0, outputSize) (the trainer validates it before running).
 */
import type { LossFunction } from './loss-function.js';

/** The cross-entropy loss (see file header). */
export const crossEntropyLoss: LossFunction = {
  kind: 'cross_entropy',
  targetWidth: () => 1,
  termsPerStep: () => 1,
  step(y, yOff, target, tOff, size, grad, gOff, scale) {
    let max = -Infinity;
    for (let k = 0; k < size; k++) if (y[yOff + k] > max) max = y[yOff + k];
    let sumExp = 0;
    for (let k = 0; k < size; k++) {
      const e = Math.exp(y[yOff + k] - max);
      grad[gOff + k] = e;
      sumExp += e;
    }
    const cls = target[tOff];
    for (let k = 0; k < size; k++) grad[gOff + k] = scale * (grad[gOff + k] / sumExp - (k === cls ? 1 : 0));
    return max + Math.log(sumExp) - y[yOff + cls];
  },
};
