/**
 * Forward pass with caches and backpropagation through time over one window of a batch of
 * sequences, for stacked Elman/GRU/LSTM layers and the linear head, in float64. The batch runs
 * side by side as matrix-matrix work, packed by length (batch-layout.ts; batch-forward.ts and
 * batch-backward.ts hold the two passes and their exact semantics; embedding-grad.ts the
 * gradient of a token model's embedding table).
 */
import { hasCellState } from '../model/cell-kind.js';
import type { ModelSpec } from '../model/model-spec.js';
import { backwardBatch } from './batch-backward.js';
import { createBatchBuffers, ensureBatchBuffers, type BatchBuffers } from './batch-buffers.js';
import { forwardBatch } from './batch-forward.js';
import { EmbeddingGrad } from './embedding-grad.js';
import type { BatchLayout } from './batch-layout.js';
import type { LayerCache } from './layer-cache.js';
import type { LossFunction } from './losses/loss-function.js';
import type { ParamVector } from './param-vector.js';
import type { TrainingSequence } from './training-contract.js';

/** Runs windows of batches through a network, accumulating gradients into `grads`. */
export class BatchBackprop {
  readonly spec: ModelSpec;
  readonly params: ParamVector;
  readonly grads: ParamVector;
  readonly loss: LossFunction;
  private readonly buf: BatchBuffers;
  private lengths: number[] = [];
  private readonly embeddingGrad: EmbeddingGrad | undefined;

  /** `params` are read (never written); `grads` (same spec) receive the accumulated gradient. */
  constructor(params: ParamVector, grads: ParamVector, loss: LossFunction) {
    this.spec = params.spec;
    this.params = params;
    this.grads = grads;
    this.loss = loss;
    this.buf = createBatchBuffers(this.spec, params.embedding !== undefined);
    this.embeddingGrad = params.embedding ? new EmbeddingGrad() : undefined;
  }

  /** Forward caches of each layer for the last window run, over its packed rows (to inspect activations; never write). */
  get caches(): readonly LayerCache[] {
    return this.buf.caches;
  }

  /** The packing of the last window run (which sequence and step each cache row holds). */
  get layout(): BatchLayout {
    return this.buf.layout;
  }

  /** Loss terms (masked steps × terms per step) of `seq` within [start, end). */
  termsIn(seq: TrainingSequence, start: number, end: number): number {
    let steps = 0;
    const stop = Math.min(end, seq.length);
    for (let t = start; t < stop; t++) if (seq.lossMask[t]) steps++;
    return steps * this.loss.termsPerStep(this.spec.outputSize);
  }

  /**
   * Runs steps [start, min(end, length)) of every sequence of `batch`, sequence b from
   * `states[b]` (h of each layer, then c of each layer; advanced in place to the state after
   * the window, reset applied; untouched when the sequence has no step in the window), and
   * returns the sum of the masked steps' loss terms. When `backward`, adds `scale` × the
   * gradient of that sum to `grads`. `outputs[b]` (length × outputSize), when given, receives
   * the head output of every step of sequence b run.
   */
  run(
    batch: readonly TrainingSequence[],
    start: number,
    end: number,
    states: readonly Float64Array[],
    scale: number,
    backward: boolean,
    outputs?: readonly Float64Array[],
  ): number {
    const layout = this.buf.layout;
    this.lengths.length = 0;
    for (const seq of batch) this.lengths.push(seq.length);
    layout.sort(this.lengths);
    layout.plan(this.lengths, start, end);
    if (layout.rows === 0) return 0;
    ensureBatchBuffers(this.buf);
    const lossSum = forwardBatch(this.params, this.loss, this.buf, batch, start, states, scale, outputs);
    this.carryStates(batch, start, states);
    if (backward) {
      backwardBatch(this.grads, this.buf, batch, start);
      if (this.embeddingGrad) this.embeddingGrad.accumulate(this.grads, this.buf, batch, start);
    }
    return lossSum;
  }

  /** Writes each running sequence's state after its last step in the window into `states`. */
  private carryStates(batch: readonly TrainingSequence[], start: number, states: readonly Float64Array[]): void {
    const { numLayers: L, hiddenSize: H } = this.spec;
    const lstm = hasCellState(this.spec.cell);
    const { order, active, rowStart, steps } = this.buf.layout;
    for (let i = 0; i < active[0]; i++) {
      const b = order[i];
      let last = steps - 1;
      while (active[last] <= i) last--;
      const state = states[b];
      if (batch[b].resetAfter[start + last]) {
        state.fill(0);
        continue;
      }
      const row = (rowStart[last] + i) * H;
      for (let l = 0; l < L; l++) {
        const cache = this.buf.caches[l];
        state.set(cache.h.subarray(row, row + H), l * H);
        if (lstm) state.set(cache.c.subarray(row, row + H), (L + l) * H);
      }
    }
  }
}
