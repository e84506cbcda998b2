/**
 * SGD with momentum and weight decay, torch.optim.SGD's update (dampening 0, no Nesterov):
 *
 *     d ← g + wd·p
 *     buf ← d on the first step, else momentum·buf + d     (only when momentum ≠ 0)
 *     p ← p - lr·buf   (or p - lr·d without momentum)
 */
import type { Optimizer } from './optimizer.js';

/** Hyper-parameters of {@link Sgd}. */
export interface SgdOptions {
  readonly lr: number;
  readonly momentum?: number;
  readonly weightDecay?: number;
}

/** SGD over a flat parameter vector of `size` values (see file header). */
export class Sgd implements Optimizer {
  steps = 0;
  private readonly buf: Float64Array;
  private readonly lr: number;
  private readonly momentum: number;
  private readonly weightDecay: number;

  constructor(size: number, opts: SgdOptions) {
    this.lr = opts.lr;
    this.momentum = opts.momentum ?? 0;
    this.weightDecay = opts.weightDecay ?? 0;
    this.buf = new Float64Array(this.momentum !== 0 ? size : 0);
  }

  step(params: Float64Array, grads: Float64Array): void {
    const { buf, lr, momentum, weightDecay: wd } = this;
    const first = this.steps === 0;
    this.steps += 1;
    for (let i = 0; i < params.length; i++) {
      let d = wd !== 0 ? grads[i] + wd * params[i] : grads[i];
      if (momentum !== 0) {
        d = first ? d : momentum * buf[i] + d;
        buf[i] = d;
      }
      params[i] += -lr * d;
    }
  }
}
