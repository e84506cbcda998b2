/**
 * Forward pass with caches and backpropagation through time over one window of one sequence,
 * for stacked Elman/GRU/LSTM layers and the linear head, in float64.
 *
 * Within the window [start, end): step t of layer l reads h^l_{t-1} (and c^l_{t-1}): the
 * carried `state` at the window's first step, zero after a step flagged resetAfter, else the
 * layer's previous output. Layer l > 0 takes h^{l-1}_t as input. The head reads the top layer's
 * h_t before any reset. Backward runs t = end-1 .. start, layers top to bottom; the gradient
 * through a reset, and into the carried state at the window start, is zero (the state is
 * detached, as `h.detach()` between truncated-BPTT windows in PyTorch).
 */
import { hasCellState } from '../model/cell-kind.js';
import type { ModelSpec } from '../model/model-spec.js';
import { elmanBackward } from './cells/elman-backward.js';
import { elmanForward } from './cells/elman-forward.js';
import { gruBackward } from './cells/gru-backward.js';
import { gruForward } from './cells/gru-forward.js';
import { lstmBackward } from './cells/lstm-backward.js';
import { lstmForward } from './cells/lstm-forward.js';
import { accumulateOuter } from './kernels/accumulate-outer.js';
import { accumulateTransposed } from './kernels/accumulate-transposed.js';
import { affine64 } from './kernels/affine64.js';
import { LayerCache } from './layer-cache.js';
import type { LossFunction } from './losses/loss-function.js';
import type { ParamVector } from './param-vector.js';
import type { TrainingSequence } from './training-contract.js';

/** Runs windows of sequences through a network, accumulating gradients into `grads`. */
export class SequenceBackprop {
  readonly spec: ModelSpec;
  readonly params: ParamVector;
  readonly grads: ParamVector;
  readonly loss: LossFunction;
  /** Forward caches of each layer for the last window run (read them, e.g. to inspect activations; never write). */
  readonly caches: readonly LayerCache[];
  private readonly dh: Float64Array[];
  private readonly dc: Float64Array[];
  private readonly gi: Float64Array;
  private readonly gh: Float64Array;
  private y = new Float64Array(0);
  private dy = new Float64Array(0);

  /** `params` are read (never written); `grads` (same spec) receive the accumulated gradient. */
  constructor(params: ParamVector, grads: ParamVector, loss: LossFunction) {
    const spec = params.spec;
    this.spec = spec;
    this.params = params;
    this.grads = grads;
    this.loss = loss;
    const H = spec.hiddenSize;
    this.caches = Array.from({ length: spec.numLayers }, () => new LayerCache(spec.cell, H));
    this.dh = Array.from({ length: spec.numLayers }, () => new Float64Array(H));
    this.dc = Array.from({ length: spec.numLayers }, () => new Float64Array(H));
    this.gi = new Float64Array(4 * H);
    this.gh = new Float64Array(4 * H);
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
    this.ensure(n);
    const lossSum = this.forward(seq, start, n, state, scale, outputs);
    const { numLayers: L, hiddenSize: H } = this.spec;
    const lstm = hasCellState(this.spec.cell);
    const last = (n - 1) * H;
    if (seq.resetAfter[stop - 1]) state.fill(0);
    else {
      for (let l = 0; l < L; l++) {
        const cache = this.caches[l];
        state.set(cache.h.subarray(last, last + H), l * H);
        if (lstm) state.set(cache.c.subarray(last, last + H), (L + l) * H);
      }
    }
    if (backward) this.backward(seq, start, n);
    return lossSum;
  }

  private ensure(n: number): void {
    for (const cache of this.caches) cache.ensure(n);
    const O = this.spec.outputSize;
    if (this.y.length < n * O) {
      this.y = new Float64Array(this.caches[0].capacity * O);
      this.dy = new Float64Array(this.caches[0].capacity * O);
    }
  }

  private forward(seq: TrainingSequence, start: number, n: number, state: Float64Array, scale: number, outputs?: Float64Array): number {
    const { cell, numLayers: L, hiddenSize: H, inputSize: I, outputSize: O } = this.spec;
    const { layers, headWeight, headBias } = this.params;
    const lstm = cell === 'lstm';
    const tw = this.loss.targetWidth(O);
    const { y, dy, gi, gh } = this;
    let lossSum = 0;
    for (let s = 0; s < n; s++) {
      const t = start + s;
      const o = s * H;
      for (let l = 0; l < L; l++) {
        const cache = this.caches[l];
        if (s === 0) {
          for (let j = 0; j < H; j++) cache.hPrev[j] = state[l * H + j];
          if (lstm) for (let j = 0; j < H; j++) cache.cPrev[j] = state[(L + l) * H + j];
        } else if (seq.resetAfter[t - 1]) {
          cache.hPrev.fill(0, o, o + H);
          if (lstm) cache.cPrev.fill(0, o, o + H);
        } else {
          for (let j = 0; j < H; j++) cache.hPrev[o + j] = cache.h[o - H + j];
          if (lstm) for (let j = 0; j < H; j++) cache.cPrev[o + j] = cache.c[o - H + j];
        }
        const x = l === 0 ? seq.inputs : this.caches[l - 1].h;
        const xOff = l === 0 ? t * I : o;
        if (cell === 'gru') gruForward(layers[l], x, xOff, cache, s, gi, gh);
        else if (lstm) lstmForward(layers[l], x, xOff, cache, s, gi, gh);
        else elmanForward(layers[l], cell === 'rnn_relu', x, xOff, cache, s, gi, gh);
      }
      const masked = seq.lossMask[t] !== 0;
      if (!masked && !outputs) continue;
      affine64(headWeight, O, H, this.caches[L - 1].h, o, headBias, y, s * O);
      if (outputs) for (let k = 0; k < O; k++) outputs[t * O + k] = y[s * O + k];
      if (masked) lossSum += this.loss.step(y, s * O, seq.targets, t * tw, O, dy, s * O, scale);
    }
    return lossSum;
  }

  private backward(seq: TrainingSequence, start: number, n: number): void {
    const { cell, numLayers: L, hiddenSize: H, inputSize: I, outputSize: O } = this.spec;
    const { layers, headWeight } = this.params;
    const g = this.grads;
    const lstm = cell === 'lstm';
    const { dh, dc, dy, gi: dgi, gh: dgh } = this;
    for (let l = 0; l < L; l++) {
      dh[l].fill(0);
      dc[l].fill(0);
    }
    const top = this.caches[L - 1];
    for (let s = n - 1; s >= 0; s--) {
      const t = start + s;
      if (seq.resetAfter[t]) {
        for (let l = 0; l < L; l++) {
          dh[l].fill(0);
          dc[l].fill(0);
        }
      }
      if (seq.lossMask[t]) {
        accumulateOuter(g.headWeight, g.headBias, O, H, dy, s * O, top.h, s * H);
        accumulateTransposed(headWeight, O, H, dy, s * O, dh[L - 1], 0);
      }
      for (let l = L - 1; l >= 0; l--) {
        const cache = this.caches[l];
        const x = l === 0 ? seq.inputs : this.caches[l - 1].h;
        const xOff = l === 0 ? t * I : s * H;
        const dx = l === 0 ? null : dh[l - 1];
        if (cell === 'gru') gruBackward(layers[l], g.layers[l], x, xOff, cache, s, dh[l], dx, 0, dgi, dgh);
        else if (lstm) lstmBackward(layers[l], g.layers[l], x, xOff, cache, s, dh[l], dc[l], dx, 0, dgi);
        else elmanBackward(layers[l], g.layers[l], cell === 'rnn_relu', x, xOff, cache, s, dh[l], dx, 0, dgi);
      }
    }
  }
}
