/**
 * Adam and AdamW with torch.optim.Adam / torch.optim.AdamW's update (amsgrad off, single-tensor
 * path). For step t (from 1), gradient g and parameter p:
 *
 *     AdamW:  p ← p - lr·wd·p                       (decoupled decay, applied first)
 *     Adam:   g ← g + wd·p                          (L2 added to the gradient)
 *     m ← lerp(m, g, 1 - β1)      v ← β2·v + (1 - β2)·g²
 *     p ← p - (lr / (1 - β1^t)) · m / (sqrt(v) / sqrt(1 - β2^t) + eps)
 *
 * Porting note: `lerp` is evaluated as PyTorch's CPU kernel does (weight < 0.5:
 * m + w·(g - m); else g - (g - m)·(1 - w)), and the bias corrections are formed as in
 * `_single_tensor_adam`, so the arithmetic follows PyTorch's operation order.
 */
import type { Optimizer } from './optimizer.js';

/** Hyper-parameters of {@link Adam}; defaults are PyTorch's. */
export interface AdamOptions {
  readonly lr: number;
  readonly betas?: readonly [number, number];
  readonly eps?: number;
  readonly weightDecay?: number;
  /** true: AdamW's decoupled weight decay; false: Adam's L2 term. */
  readonly decoupled: boolean;
}

/** Adam / AdamW over a flat parameter vector of `size` values (see file header). */
export class Adam implements Optimizer {
  steps = 0;
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private readonly lr: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;
  private readonly weightDecay: number;
  private readonly decoupled: boolean;

  constructor(size: number, opts: AdamOptions) {
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
    this.lr = opts.lr;
    [this.beta1, this.beta2] = opts.betas ?? [0.9, 0.999];
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0;
    this.decoupled = opts.decoupled;
  }

  step(params: Float64Array, grads: Float64Array): void {
    this.steps += 1;
    const { m, v, lr, beta1, beta2, eps, weightDecay: wd, decoupled } = this;
    const w = 1 - beta1;
    const stepSize = lr / (1 - beta1 ** this.steps);
    const bc2Sqrt = Math.sqrt(1 - beta2 ** this.steps);
    const decay = decoupled ? 1 - lr * wd : 1;
    const l2 = decoupled ? 0 : wd;
    for (let i = 0; i < params.length; i++) {
      let p = params[i];
      if (decoupled && wd !== 0) p *= decay;
      const g = l2 !== 0 ? grads[i] + l2 * p : grads[i];
      const mi = w < 0.5 ? m[i] + w * (g - m[i]) : g - (g - m[i]) * (1 - w);
      const vi = v[i] * beta2 + (1 - beta2) * g * g;
      m[i] = mi;
      v[i] = vi;
      params[i] = p + -stepSize * (mi / (Math.sqrt(vi) / bc2Sqrt + eps));
    }
  }
}
