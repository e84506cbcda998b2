/**
 * Gradient of a token model's embedding table (nn.Embedding before the first recurrent layer):
 * the layer-0 input of a row is E[id], so
 *
 *     dX = dGi₀ · W_ih₀          rows x inputSize, one matrix product over every row of the window
 *     dE[id] += dX[row]          for every row, id = the token id of that row's sequence and step
 *
 * dGi₀ is the gradient w.r.t. the layer-0 input-side gate pre-activations (W_ih₀ x + b_ih₀)
 * that backwardBatch leaves in the layer-0 cache, already scaled; a token seen at several steps
 * gets the sum of their terms (PyTorch's dense embedding gradient).
 */
import type { BatchBuffers } from './batch-buffers.js';
import { gemmNN } from './kernels/gemm-nn.js';
import type { ParamVector } from './param-vector.js';
import type { TrainingSequence } from './training-contract.js';

/** The accumulation of dE for one BatchBackprop (dX runs in its kernel memory, into `buf.dx`). */
export class EmbeddingGrad {
  /** Adds dE of the window backwardBatch has just run (from `start`) to `grads.embedding`. */
  accumulate(grads: ParamVector, buf: BatchBuffers, batch: readonly TrainingSequence[], start: number): void {
    const I = buf.spec.inputSize;
    const w = buf.params.layers[0].weightIh;
    const G = w.length / I;
    const { order, active, rowStart, steps, rows } = buf.layout;
    const dx = buf.dx;
    gemmNN(buf.mem, buf.caches[0].dGi, 0, rows, G, w, I, null, dx, 0, false);
    const dE = grads.embedding!;
    for (let s = 0; s < steps; s++) {
      for (let i = 0; i < active[s]; i++) {
        const row = (rowStart[s] + i) * I;
        const at = batch[order[i]].tokenIds![start + s] * I;
        for (let k = 0; k < I; k++) dE[at + k] += dx[row + k];
      }
    }
  }
}
