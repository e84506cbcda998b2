/**
 * Forward pass over a window of a batch, packed as batch-layout.ts describes, filling the
 * caches; layer by layer, each over the whole window:
 *
 *     GI = X·W_ihᵀ + b_ih                       one matrix product over every row of the window
 *     per step s: GH = H_{s-1}·W_hhᵀ + b_hh     one matrix product over the step's rows
 *                 cell(GI rows of s, GH)         elementwise
 *
 * A token model's layer-0 input is the embedding row of the step's token id (nn.Embedding).
 * Layer-0 inputs that are mostly zeros (SPARSE_INPUT_DENSITY) skip them: GI = b_ih + the
 * columns of W_ih of the non-zero inputs, scaled (the same sum without the zero terms).
 *
 * The parameters (all but a token model's embedding table, which is read where it is) are first
 * copied into the kernel memory with the transposed weights the products multiply by (W_ihᵀ,
 * W_hhᵀ, the head's Wᵀ); the backward pass reads the same copy.
 *
 * Step t of a sequence reads h_{t-1} (and c_{t-1}): its carried `state` (h of each layer, then
 * c of each layer) at the window's first step, zero after a step flagged resetAfter, else its
 * previous row. Layer l > 0 takes layer l-1's h as input. The head reads the top layer's h_t
 * (before any reset) of every row.
 */
import { hasCellState } from '../model/cell-kind.js';
import { SPARSE_INPUT_DENSITY, type BatchBuffers } from './batch-buffers.js';
import { elmanForward } from './cells/elman-forward.js';
import { gruForward } from './cells/gru-forward.js';
import { lstmForward } from './cells/lstm-forward.js';
import { gemmNN } from './kernels/gemm-nn.js';
import { sparseRowsTimes } from './kernels/sparse-rows-times.js';
import { transposeInto } from './kernels/transpose-into.js';
import type { LossFunction } from './losses/loss-function.js';
import type { ParamVector } from './param-vector.js';
import type { TrainingSequence } from './training-contract.js';

/**
 * Runs the window `buf.layout` was planned for (from step `start`) and returns the sum of the
 * masked steps' loss terms; writes `scale` × their gradient w.r.t. the head outputs into
 * `buf.dy` (zero at unmasked rows), and the head output of every step of sequence b into
 * `outputs[b][t·O..]` when given. `states[b]` is read, not written.
 */
export function forwardBatch(
  params: ParamVector,
  loss: LossFunction,
  buf: BatchBuffers,
  batch: readonly TrainingSequence[],
  start: number,
  states: readonly Float64Array[],
  scale: number,
  outputs?: readonly Float64Array[],
): number {
  const { cell, numLayers: L, hiddenSize: H, inputSize: I, outputSize: O } = params.spec;
  const { order, active, rowStart, steps, rows } = buf.layout;
  const lstm = hasCellState(cell);
  const { caches, x, gh, y, dy, mem, wihT, whhT, headT } = buf;
  const table = params.embedding;
  const P = buf.params;
  P.values.set(params.values.subarray(params.values.length - P.values.length));
  for (let l = 0; l < L; l++) {
    const p = P.layers[l];
    const G = p.weightHh.length / H;
    transposeInto(p.weightIh, G, p.inSize, wihT[l]);
    transposeInto(p.weightHh, G, H, whhT[l]);
  }
  transposeInto(P.headWeight, O, H, headT);
  for (let s = 0; s < steps; s++) {
    const t = start + s;
    for (let i = 0; i < active[s]; i++) {
      const seq = batch[order[i]];
      const src = table ? table.subarray(seq.tokenIds![t] * I, seq.tokenIds![t] * I + I) : seq.inputs.subarray(t * I, t * I + I);
      x.set(src, (rowStart[s] + i) * I);
    }
  }
  let nonZero = 0;
  for (let k = 0; k < rows * I; k++) if (x[k] !== 0) nonZero++;
  buf.sparseInput = nonZero <= SPARSE_INPUT_DENSITY * rows * I;
  for (let l = 0; l < L; l++) {
    const p = P.layers[l];
    const cache = caches[l];
    const G = p.weightIh.length / p.inSize;
    if (l === 0 && buf.sparseInput) sparseRowsTimes(mem, x, 0, rows, I, wihT[0], G, p.biasIh, cache.gi, 0);
    else gemmNN(mem, l === 0 ? x : caches[l - 1].h, 0, rows, p.inSize, wihT[l], G, p.biasIh, cache.gi, 0, false);
    const { hPrev, h, cPrev, c } = cache;
    for (let s = 0; s < steps; s++) {
      const nb = active[s];
      const r0 = rowStart[s];
      for (let i = 0; i < nb; i++) {
        const b = order[i];
        const dst = (r0 + i) * H;
        if (s === 0) {
          hPrev.set(states[b].subarray(l * H, l * H + H), dst);
          if (lstm) cPrev.set(states[b].subarray((L + l) * H, (L + l) * H + H), dst);
        } else if (batch[b].resetAfter[start + s - 1]) {
          hPrev.fill(0, dst, dst + H);
          if (lstm) cPrev.fill(0, dst, dst + H);
        } else {
          const src = (rowStart[s - 1] + i) * H;
          for (let j = 0; j < H; j++) hPrev[dst + j] = h[src + j];
          if (lstm) for (let j = 0; j < H; j++) cPrev[dst + j] = c[src + j];
        }
      }
      gemmNN(mem, hPrev, r0 * H, nb, H, whhT[l], G, p.biasHh, gh, 0, false);
      if (cell === 'gru') gruForward(mem, cache, r0, nb, gh);
      else if (lstm) lstmForward(mem, cache, r0, nb, gh);
      else elmanForward(cell === 'rnn_relu', cache, r0, nb, gh);
    }
  }
  gemmNN(mem, caches[L - 1].h, 0, rows, H, headT, O, P.headBias, y, 0, false);
  const tw = loss.targetWidth(O);
  let lossSum = 0;
  for (let s = 0; s < steps; s++) {
    const t = start + s;
    for (let i = 0; i < active[s]; i++) {
      const b = order[i];
      const seq = batch[b];
      const row = (rowStart[s] + i) * O;
      if (outputs) for (let k = 0; k < O; k++) outputs[b][t * O + k] = y[row + k];
      if (seq.lossMask[t]) lossSum += loss.step(y, row, seq.targets, t * tw, O, dy, row, scale);
      else dy.fill(0, row, row + O);
    }
  }
  return lossSum;
}
