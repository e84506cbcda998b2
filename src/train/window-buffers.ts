/**
 * Everything one pass of BPTT over a window needs besides the parameters: the per-layer forward
 * caches, the gradient carries, scratch, the head outputs and their loss gradients, and the
 * transposed recurrent weights the backward pass multiplies by. Allocated once per network and
 * grown (never per step) to the longest window seen.
 */
import { gateCount } from '../model/cell-kind.js';
import type { ModelSpec } from '../model/model-spec.js';
import { LayerCache } from './layer-cache.js';

/** Buffers of one network's window passes (see file header). */
export interface WindowBuffers {
  /** Forward caches of each layer for the window last run (read-only to everyone but the passes). */
  readonly caches: readonly LayerCache[];
  /** Per layer: dL/dh and (LSTM) dL/dc flowing back through time, H each. */
  readonly dh: readonly Float64Array[];
  readonly dc: readonly Float64Array[];
  /** Forward scratch: W_ih x + b_ih and W_hh h + b_hh of one step, G·H each. */
  readonly gi: Float64Array;
  readonly gh: Float64Array;
  /** Per layer: W_hhᵀ (H x G·H) and W_ihᵀ (inSize x G·H), refreshed before each backward pass. */
  readonly whhT: readonly Float64Array[];
  readonly wihT: readonly Float64Array[];
  /** Head outputs and loss gradients (scaled; zero at unmasked steps), window steps x outputSize. */
  y: Float64Array;
  dy: Float64Array;
}

/** Buffers for a network of `spec`, sized for no steps yet. */
export function createWindowBuffers(spec: ModelSpec): WindowBuffers {
  const H = spec.hiddenSize;
  const G = gateCount(spec.cell) * H;
  const layers = Array.from({ length: spec.numLayers }, (_, l) => l);
  return {
    caches: layers.map(() => new LayerCache(spec.cell, H)),
    dh: layers.map(() => new Float64Array(H)),
    dc: layers.map(() => new Float64Array(H)),
    gi: new Float64Array(G),
    gh: new Float64Array(G),
    whhT: layers.map(() => new Float64Array(H * G)),
    wihT: layers.map((l) => new Float64Array((l === 0 ? spec.inputSize : H) * G)),
    y: new Float64Array(0),
    dy: new Float64Array(0),
  };
}

/** Makes room for a window of `n` steps (contents are not preserved when buffers grow). */
export function ensureWindow(buffers: WindowBuffers, n: number, outputSize: number): void {
  for (const cache of buffers.caches) cache.ensure(n);
  const cap = buffers.caches[0].capacity;
  if (buffers.y.length < cap * outputSize) {
    buffers.y = new Float64Array(cap * outputSize);
    buffers.dy = new Float64Array(cap * outputSize);
  }
}
