/**
 * Forward pass over steps [start, start + n) of one sequence, filling the window caches.
 *
 * Step t of layer l reads h^l_{t-1} (and c^l_{t-1}): the carried `state` (h of each layer, then
 * c of each layer) at the window's first step, zero after a step flagged resetAfter, else the
 * layer's previous output. Layer l > 0 takes h^{l-1}_t as input. The head reads the top layer's
 * h_t (before any reset) at masked steps, or at every step when `outputs` is given.
 */
import { elmanForward } from './cells/elman-forward.js';
import { gruForward } from './cells/gru-forward.js';
import { lstmForward } from './cells/lstm-forward.js';
import { affine64 } from './kernels/affine64.js';
import type { LossFunction } from './losses/loss-function.js';
import type { ParamVector } from './param-vector.js';
import type { TrainingSequence } from './training-contract.js';
import type { WindowBuffers } from './window-buffers.js';

/**
 * Runs the window and returns the sum of the masked steps' loss terms; writes `scale` × their
 * gradient w.r.t. the head outputs into `buf.dy` (zero at unmasked steps), and the head output
 * of every step into `outputs[t·O..]` when given.
 */
export function forwardWindow(
  params: ParamVector,
  loss: LossFunction,
  buf: WindowBuffers,
  seq: TrainingSequence,
  start: number,
  n: number,
  state: Float64Array,
  scale: number,
  outputs?: Float64Array,
): number {
  const { cell, numLayers: L, hiddenSize: H, inputSize: I, outputSize: O } = params.spec;
  const { layers, headWeight, headBias } = params;
  const lstm = cell === 'lstm';
  const tw = loss.targetWidth(O);
  const { caches, y, dy, gi, gh } = buf;
  let lossSum = 0;
  for (let s = 0; s < n; s++) {
    const t = start + s;
    const o = s * H;
    for (let l = 0; l < L; l++) {
      const cache = caches[l];
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
      const x = l === 0 ? seq.inputs : caches[l - 1].h;
      const xOff = l === 0 ? t * I : o;
      if (cell === 'gru') gruForward(layers[l], x, xOff, cache, s, gi, gh);
      else if (lstm) lstmForward(layers[l], x, xOff, cache, s, gi, gh);
      else elmanForward(layers[l], cell === 'rnn_relu', x, xOff, cache, s, gi, gh);
    }
    const masked = seq.lossMask[t] !== 0;
    if (!masked) dy.fill(0, s * O, s * O + O);
    if (!masked && !outputs) continue;
    affine64(headWeight, O, H, caches[L - 1].h, o, headBias, y, s * O);
    if (outputs) for (let k = 0; k < O; k++) outputs[t * O + k] = y[s * O + k];
    if (masked) lossSum += loss.step(y, s * O, seq.targets, t * tw, O, dy, s * O, scale);
  }
  return lossSum;
}
