/**
 * Gaussian negative log-likelihood of a zero-mean return under a forecast variance, with the
 * head output read as a log variance y = ln σ² and the target as a variance proxy v (r²):
 *
 *     ℓ = ½ (y + v e^{-y})            dℓ/dy = ½ (1 - v e^{-y})
 *
 * averaged over masked steps × outputSize. This is torch.nn.GaussianNLLLoss(input=0,
 * target=r, var=exp(y), full=False) as long as exp(y) stays above that loss's `eps` (1e-6 by
 * default, which clamps; pass a smaller eps for raw log-return variances). Its minimum over y
 * is at σ² = v, so it trains a variance forecast; it is QLIKE (qlike-loss.ts) halved, minus a
 * term that does not depend on the model.
 */
import type { LossFunction } from './loss-function.js';

/** The Gaussian NLL loss on log-variance outputs (see file header). */
export const gaussianNllLoss: LossFunction = {
  kind: 'gaussian_nll',
  targetWidth: (outputSize) => outputSize,
  termsPerStep: (outputSize) => outputSize,
  step(y, yOff, target, tOff, size, grad, gOff, scale) {
    let sum = 0;
    for (let k = 0; k < size; k++) {
      const ratio = target[tOff + k] * Math.exp(-y[yOff + k]);
      sum += 0.5 * (y[yOff + k] + ratio);
      grad[gOff + k] = scale * 0.5 * (1 - ratio);
    }
    return sum;
  },
};
