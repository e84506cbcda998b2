/**
 * Forward pass with caches and backpropagation through time over one window of one sequence,
 * for stacked Elman/GRU/LSTM layers and the linear head, in float64 (window-forward.ts and
 * window-backward.ts hold the two passes and their exact semantics).
 */
import { hasCellState } from '../model/cell-kind.js';
import type { ModelSpec } from '../model/model-spec.js';
import type { LayerCache } from './layer-cache.js';
import type { LossFunction } from './losses/loss-function.js';
import type { ParamVector } from './param-vector.js';
import type { TrainingSequence } from './training-contract.js';
import { backwardWindow } from './window-backward.js';
import { createWindowBuffers, ensureWindow, type WindowBuffers } from './window-buffers.js';
import { forwardWindow } from './window-forward.js';

/** Runs windows of sequences through a network, accumulating gradients into `grads`. */
export class SequenceBackprop {
  readonly spec: ModelSpec;
  readonly params: ParamVector;
  readonly grads: ParamVector;
  readonly loss: LossFunction;
  private readonly buf: WindowBuffers;

  /** `params` are read (never written); `grads` (same spec) receive the accumulated gradient. */
  constructor(params: ParamVector, grads: ParamVector, loss: LossFunction) {
    this.spec = params.spec;
    this.params = params;
    this.grads = grads;
    this.loss = loss;
    this.buf = createWindowBuffers(this.spec);
  }

  /** Forward caches of each layer for the last window run (to inspect activations; never write). */
  get caches(): readonly LayerCache[] {
    return this.buf.caches;
  }

  /** Loss terms (masked steps × terms per step) of `seq` within [start, end). */
  termsIn(seq: TrainingSequence, start: number, end: number): number {
    let steps = 0;
    const stop = Math.min(end, seq.length);
    for (let t = start; t < stop; t++) if (seq.lossMask[t]) steps++;
    return steps * this.loss.termsPerStep(this.spec.outputSize);
  }

  /**
   * Runs steps [start, min(end, length)) of `seq` from `state` (h of each layer, then c of each
   * layer; advanced in place to the state after the window, reset applied) and returns the sum
   * of the masked steps' loss terms. When `backward`, adds `scale` × the gradient of that sum
   * to `grads`. `outputs` (length × outputSize), when given, receives the head output of every
   * step run.
   */
  run(
    seq: TrainingSequence,
    start: number,
    end: number,
    state: Float64Array,
    scale: number,
    backward: boolean,
    outputs?: Float64Array,
  ): number {
    const stop = Math.min(end, seq.length);
    if (start >= stop) return 0;
    const n = stop - start;
    const { numLayers: L, hiddenSize: H, outputSize: O } = this.spec;
    ensureWindow(this.buf, n, O);
    const lossSum = forwardWindow(this.params, this.loss, this.buf, seq, start, n, state, scale, outputs);
    const lstm = hasCellState(this.spec.cell);
    const last = (n - 1) * H;
    if (seq.resetAfter[stop - 1]) state.fill(0);
    else {
      for (let l = 0; l < L; l++) {
        const cache = this.buf.caches[l];
        for (let j = 0; j < H; j++) state[l * H + j] = cache.h[last + j];
        if (lstm) for (let j = 0; j < H; j++) state[(L + l) * H + j] = cache.c[last + j];
      }
    }
    if (backward) backwardWindow(this.params, this.grads, this.buf, seq, start, n);
    return lossSum;
  }
}
