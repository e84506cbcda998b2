/**
 * Backpropagation through time over a window the forward pass has just run (window-forward.ts).
 *
 * Steps run t = end-1 .. start, layers top to bottom: the head's loss gradient (buf.dy) enters
 * the top layer's dh; each cell's backward turns dh (and dc) into the gradient for the previous
 * step and adds W_ihᵀ·da to the layer below. The gradient through a reset, and into the carried
 * state at the window start, is zero (the state is detached, as `h.detach()` between truncated
 * windows in PyTorch). Weight and bias gradients are then summed over the window's steps in one
 * pass per tensor and added to `grads`.
 */
import { elmanBackward } from './cells/elman-backward.js';
import { gruBackward } from './cells/gru-backward.js';
import { lstmBackward } from './cells/lstm-backward.js';
import { accumulateWeightGrad } from './kernels/accumulate-weight-grad.js';
import { transposeInto } from './kernels/transpose-into.js';
import type { ParamVector } from './param-vector.js';
import type { TrainingSequence } from './training-contract.js';
import type { WindowBuffers } from './window-buffers.js';

/** Adds the gradient of the window's scaled loss (as forwardWindow left it in buf) to `grads`. */
export function backwardWindow(
  params: ParamVector,
  grads: ParamVector,
  buf: WindowBuffers,
  seq: TrainingSequence,
  start: number,
  n: number,
): void {
  const { cell, numLayers: L, hiddenSize: H, inputSize: I, outputSize: O } = params.spec;
  const G = (cell === 'gru' ? 3 : cell === 'lstm' ? 4 : 1) * H;
  const { caches, dh, dc, dy, whhT, wihT } = buf;
  for (let l = 0; l < L; l++) {
    transposeInto(params.layers[l].weightHh, G, H, whhT[l]);
    if (l > 0) transposeInto(params.layers[l].weightIh, G, H, wihT[l]);
    dh[l].fill(0);
    dc[l].fill(0);
  }
  const top = caches[L - 1];
  for (let s = n - 1; s >= 0; s--) {
    if (seq.resetAfter[start + s]) {
      for (let l = 0; l < L; l++) {
        dh[l].fill(0);
        dc[l].fill(0);
      }
    }
    if (seq.lossMask[start + s]) {
      for (let j = 0; j < H; j++) {
        let acc = dh[L - 1][j];
        for (let k = 0; k < O; k++) acc += params.headWeight[k * H + j] * dy[s * O + k];
        dh[L - 1][j] = acc;
      }
    }
    for (let l = L - 1; l >= 0; l--) {
      const dx = l === 0 ? null : dh[l - 1];
      const inSize = l === 0 ? I : H;
      if (cell === 'gru') gruBackward(whhT[l], wihT[l], inSize, caches[l], s, dh[l], dx, 0);
      else if (cell === 'lstm') lstmBackward(whhT[l], wihT[l], inSize, caches[l], s, dh[l], dc[l], dx, 0);
      else elmanBackward(cell === 'rnn_relu', whhT[l], wihT[l], inSize, caches[l], s, dh[l], dx, 0);
    }
  }
  accumulateWeightGrad(grads.headWeight, grads.headBias, O, H, dy, top.h, 0, H, n);
  for (let l = 0; l < L; l++) {
    const g = grads.layers[l];
    const cache = caches[l];
    if (l === 0) accumulateWeightGrad(g.weightIh, g.biasIh, G, I, cache.dGi, seq.inputs, start * I, I, n);
    else accumulateWeightGrad(g.weightIh, g.biasIh, G, H, cache.dGi, caches[l - 1].h, 0, H, n);
    accumulateWeightGrad(g.weightHh, g.biasHh, G, H, cache.dGh, cache.hPrev, 0, H, n);
  }
}
