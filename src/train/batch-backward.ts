/**
 * Backpropagation through time over a window of a batch the forward pass has just run
 * (batch-forward.ts), layer by layer from the top, each over the whole window:
 *
 *     top layer: dH_in = dY·W_head                  one matrix product over every row
 *     per step s = last .. first:
 *       cell backward of the step's rows            elementwise: dh' = carry + dH_in -> dGi, dGh
 *       carry = (direct part) + dGh·W_hh             one matrix product over the step's rows
 *     layer below: dH_in = dGi·W_ih                 one matrix product over every row
 *     dW_ih += dGiᵀ·X, dW_hh += dGhᵀ·H_prev         summed over every row at once
 *
 * With sparse layer-0 inputs (the forward pass decided) dW_ih adds only the non-zero inputs'
 * terms, accumulated transposed and added to the gradient at the end.
 *
 * The products run in the kernel memory on the parameter copy the forward pass made, and the
 * window's gradient is summed there (from zero), then added to the caller's (a token model's
 * embedding gradient: embedding-grad.ts).
 *
 * The gradient through a reset, and into the carried state at the window start, is zero (the
 * state is detached, as `h.detach()` between truncated windows in PyTorch). A sequence that
 * ended before step s has no row there and its carry stays zero.
 */
import type { BatchBuffers } from './batch-buffers.js';
import { elmanBackward } from './cells/elman-backward.js';
import { gruBackward } from './cells/gru-backward.js';
import { lstmBackward } from './cells/lstm-backward.js';
import { columnSums } from './kernels/column-sums.js';
import { gemmNN } from './kernels/gemm-nn.js';
import { gemmTN } from './kernels/gemm-tn.js';
import { sparseTransposeAccumulate } from './kernels/sparse-transpose-accumulate.js';
import type { ParamVector } from './param-vector.js';
import type { TrainingSequence } from './training-contract.js';

/** Adds the gradient of the window's scaled loss (as forwardBatch left it in buf) to `grads`. */
export function backwardBatch(grads: ParamVector, buf: BatchBuffers, batch: readonly TrainingSequence[], start: number): void {
  const { cell, numLayers: L, hiddenSize: H, outputSize: O } = buf.spec;
  const { order, active, rowStart, steps, rows, size } = buf.layout;
  const { caches, dh, dc, dy, mem, params: P, grads: D } = buf;
  const top = caches[L - 1];
  D.values.fill(0);
  gemmNN(mem, dy, 0, rows, O, P.headWeight, H, null, top.dhIn, 0, false);
  gemmTN(mem, dy, rows, O, top.h, H, D.headWeight);
  columnSums(mem, dy, rows, O, D.headBias);
  for (let l = L - 1; l >= 0; l--) {
    const p = P.layers[l];
    const g = D.layers[l];
    const cache = caches[l];
    const G = p.weightIh.length / p.inSize;
    dh.fill(0, 0, size * H);
    dc.fill(0, 0, size * H);
    for (let s = steps - 1; s >= 0; s--) {
      const nb = active[s];
      const r0 = rowStart[s];
      for (let i = 0; i < nb; i++) {
        if (batch[order[i]].resetAfter[start + s]) {
          dh.fill(0, i * H, i * H + H);
          dc.fill(0, i * H, i * H + H);
        }
      }
      if (cell === 'gru') gruBackward(mem, cache, r0, nb, dh);
      else if (cell === 'lstm') lstmBackward(mem, cache, r0, nb, dh, dc);
      else elmanBackward(cell === 'rnn_relu', cache, r0, nb, dh);
      gemmNN(mem, cache.dGh, r0 * G, nb, G, p.weightHh, H, null, dh, 0, true);
    }
    if (l > 0) gemmNN(mem, cache.dGi, 0, rows, G, p.weightIh, H, null, caches[l - 1].dhIn, 0, false);
    if (l === 0 && buf.sparseInput) {
      const I = p.inSize;
      const dWT = buf.dWih0T;
      dWT.fill(0);
      sparseTransposeAccumulate(mem, buf.x, 0, rows, I, cache.dGi, G, dWT);
      for (let i = 0; i < G; i++) for (let k = 0; k < I; k++) g.weightIh[i * I + k] = dWT[k * G + i];
    } else gemmTN(mem, cache.dGi, rows, G, l === 0 ? buf.x : caches[l - 1].h, p.inSize, g.weightIh);
    columnSums(mem, cache.dGi, rows, G, g.biasIh);
    gemmTN(mem, cache.dGh, rows, G, cache.hPrev, H, g.weightHh);
    columnSums(mem, cache.dGh, rows, G, g.biasHh);
  }
  const out = grads.values;
  const sum = D.values;
  const at = out.length - sum.length; // past a token model's embedding table
  for (let i = 0; i < sum.length; i++) out[at + i] += sum[i];
}
