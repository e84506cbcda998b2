/** An optimiser updating a flat parameter vector in place from its gradient (same layout). */
export interface Optimizer {
  /** Optimiser steps taken so far (PyTorch's `state['step']`). */
  readonly steps: number;
  /** One update: mutates `params` (and the optimiser's own state), never `grads`. */
  step(params: Float64Array, grads: Float64Array): void;
}
