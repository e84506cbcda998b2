import type { LossKind } from '../training-contract.js';

/**
 * A per-step loss. The trainer sums {@link LossFunction.step} over the masked steps of a batch
 * (or of a truncated-BPTT window) and divides by the number of loss terms, which reproduces
 * PyTorch's `reduction='mean'` applied to the masked rows `out[mask]`, `target[mask]`.
 */
export interface LossFunction {
  readonly kind: LossKind;
  /** Target numbers per step: outputSize for regression, 1 (a class index) for cross-entropy. */
  targetWidth(outputSize: number): number;
  /** Terms one masked step adds to the mean's denominator: outputSize (mse, huber) or 1 (cross_entropy). */
  termsPerStep(outputSize: number): number;
  /**
   * Returns the sum of this step's loss terms for the `size` outputs at `y[yOff..)` against the
   * targets at `target[tOff..)`, and writes `scale` × its gradient w.r.t. those outputs into
   * `grad[gOff..gOff+size)` (overwriting). Allocates nothing.
   */
  step(
    y: Float64Array,
    yOff: number,
    target: Float64Array,
    tOff: number,
    size: number,
    grad: Float64Array,
    gOff: number,
    scale: number,
  ): number;
}
