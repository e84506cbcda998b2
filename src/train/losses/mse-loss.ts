/**
 * Mean squared error, torch.nn.MSELoss(reduction='mean'): loss = Σ (y - t)² / N over the masked
 * steps' outputs, N = masked steps × outputSize; dL/dy = 2 (y - t) / N.
 */
import type { LossFunction } from './loss-function.js';

/** The MSE loss (see file header). */
export const mseLoss: LossFunction = {
  kind: 'mse',
  targetWidth: (outputSize) => outputSize,
  termsPerStep: (outputSize) => outputSize,
  step(y, yOff, target, tOff, size, grad, gOff, scale) {
    let sum = 0;
    for (let k = 0; k < size; k++) {
      const d = y[yOff + k] - target[tOff + k];
      sum += d * d;
      grad[gOff + k] = scale * 2 * d;
    }
    return sum;
  },
};
