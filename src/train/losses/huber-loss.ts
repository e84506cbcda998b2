/**
 * Huber loss, torch.nn.HuberLoss(reduction='mean', delta): per output, with d = y - t,
 *
 *     ℓ = 0.5 d²                  if |d| < delta
 *     ℓ = delta (|d| - 0.5 delta) otherwise
 *
 * averaged over masked steps × outputSize; dℓ/dy = clamp(d, -delta, delta).
 */
import { ConfigError } from '../../errors/index.js';
import type { LossFunction } from './loss-function.js';

/** A Huber loss with threshold `delta` (> 0; PyTorch's default is 1). */
export function huberLoss(delta = 1): LossFunction {
  if (!(delta > 0) || !Number.isFinite(delta)) {
    throw new ConfigError(`huberDelta must be a finite number > 0, got ${delta}`, { key: 'huberDelta' });
  }
  return {
    kind: 'huber',
    targetWidth: (outputSize) => outputSize,
    termsPerStep: (outputSize) => outputSize,
    step(y, yOff, target, tOff, size, grad, gOff, scale) {
      let sum = 0;
      for (let k = 0; k < size; k++) {
        const d = y[yOff + k] - target[tOff + k];
        const a = Math.abs(d);
        if (a < delta) {
          sum += 0.5 * d * d;
          grad[gOff + k] = scale * d;
        } else {
          sum += delta * (a - 0.5 * delta);
          grad[gOff + k] = scale * (d > 0 ? delta : -delta);
        }
      }
      return sum;
    },
  };
}
