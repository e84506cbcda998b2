/**
 * Everything one pass of BPTT over a window of a batch needs besides the parameters: the
 * packing (batch-layout.ts), the per-layer forward caches over the packed rows, the packed
 * layer-0 inputs, the gradient carries of the running sequences, scratch, the head outputs and
 * their loss gradients, and the transposed weights the backward pass multiplies by. Allocated
 * once per network and grown (never per step) to the most rows and sequences seen.
 */
import { gateCount } from '../model/cell-kind.js';
import type { ModelSpec } from '../model/model-spec.js';
import { BatchLayout } from './batch-layout.js';
import { LayerCache } from './layer-cache.js';

/** Buffers of one network's batch passes (see file header). */
export interface BatchBuffers {
  readonly layout: BatchLayout;
  /** Forward caches of each layer for the window last run (read-only to everyone but the passes). */
  readonly caches: readonly LayerCache[];
  /** Layer-0 inputs of every packed row, rows x inputSize. */
  x: Float64Array;
  /** dL/dh and (LSTM) dL/dc carried back through time, one row of H per running sequence. */
  dh: Float64Array;
  dc: Float64Array;
  /** W_hh h + b_hh of one step's rows, G·H per sequence. */
  gh: Float64Array;
  /** Per layer: W_hhᵀ (H x G·H) and W_ihᵀ (H x G·H, layers above the first), and the head's Wᵀ (H x O). */
  readonly whhT: readonly Float64Array[];
  readonly wihT: readonly Float64Array[];
  readonly headT: Float64Array;
  /** Head outputs and loss gradients (scaled; zero at unmasked rows), rows x outputSize. */
  y: Float64Array;
  dy: Float64Array;
}

/** Buffers for a network of `spec`, sized for no rows yet. */
export function createBatchBuffers(spec: ModelSpec): BatchBuffers {
  const H = spec.hiddenSize;
  const G = gateCount(spec.cell) * H;
  const layers = Array.from({ length: spec.numLayers }, (_, l) => l);
  return {
    layout: new BatchLayout(),
    caches: layers.map(() => new LayerCache(spec.cell, H)),
    x: new Float64Array(0),
    dh: new Float64Array(0),
    dc: new Float64Array(0),
    gh: new Float64Array(0),
    whhT: layers.map(() => new Float64Array(H * G)),
    wihT: layers.map((l) => new Float64Array(l === 0 ? 0 : H * G)),
    headT: new Float64Array(H * spec.outputSize),
    y: new Float64Array(0),
    dy: new Float64Array(0),
  };
}

/** Makes room for the window the layout holds (contents are not preserved when buffers grow). */
export function ensureBatchBuffers(buf: BatchBuffers, spec: ModelSpec): void {
  const { rows, size } = buf.layout;
  const H = spec.hiddenSize;
  for (const cache of buf.caches) cache.ensure(rows);
  const cap = buf.caches[0].capacity;
  if (buf.y.length < cap * spec.outputSize) {
    buf.y = new Float64Array(cap * spec.outputSize);
    buf.dy = new Float64Array(cap * spec.outputSize);
  }
  if (buf.x.length < cap * spec.inputSize) buf.x = new Float64Array(cap * spec.inputSize);
  if (buf.dh.length < size * H) {
    const n = Math.max(size, 16);
    buf.dh = new Float64Array(n * H);
    buf.dc = new Float64Array(n * H);
    buf.gh = new Float64Array(n * gateCount(spec.cell) * H);
  }
}
