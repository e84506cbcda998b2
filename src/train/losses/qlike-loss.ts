/**
 * QLIKE (Patton 2011, the loss that ranks variance forecasts consistently with a noisy proxy),
 * with the head output read as a log variance y = ln σ² and the target as a variance proxy
 * v (r²):
 *
 *     ℓ = v/σ² - ln(v/σ²) - 1 = v e^{-y} + y - ln v - 1        dℓ/dy = 1 - v e^{-y}
 *
 * averaged over masked steps × outputSize; ℓ >= 0, 0 exactly when σ² = v. A zero proxy (an
 * unchanged price) would make ln v infinite: v is floored at {@link QLIKE_PROXY_FLOOR} in the
 * ln term only, which shifts the loss by a constant and leaves its gradient exact.
 */
import { QLIKE_PROXY_FLOOR } from '../../quality/qlike.js';
import type { LossFunction } from './loss-function.js';

export { qlike, QLIKE_PROXY_FLOOR } from '../../quality/qlike.js';

/** The QLIKE loss on log-variance outputs (see file header). */
export const qlikeLoss: LossFunction = {
  kind: 'qlike',
  targetWidth: (outputSize) => outputSize,
  termsPerStep: (outputSize) => outputSize,
  step(y, yOff, target, tOff, size, grad, gOff, scale) {
    let sum = 0;
    for (let k = 0; k < size; k++) {
      const v = target[tOff + k];
      const ratio = v * Math.exp(-y[yOff + k]);
      sum += ratio + y[yOff + k] - Math.log(Math.max(v, QLIKE_PROXY_FLOOR)) - 1;
      grad[gOff + k] = scale * (1 - ratio);
    }
    return sum;
  },
};
