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
  /** Whether the window's layer-0 inputs are sparse enough (SPARSE_INPUT_DENSITY) to skip their zeros. */
  sparseInput: boolean;
  /** W_ihᵀ of layer 0 (inputSize x G·H) for the sparse input path, and its gradient, transposed. */
  readonly wih0T: Float64Array;
  readonly dWih0T: Float64Array;
  /** Scratch of the weight gradients: a transposed gradient (G·H x rows) and transposed inputs (max(H, I) x rows). */
  gradT: Float64Array;
  inputT: Float64Array;
  /** Head outputs and loss gradients (scaled; zero at unmasked rows), rows x outputSize. */
  y: Float64Array;
  dy: Float64Array;
}

/**
 * Layer-0 inputs with at most this fraction of non-zero values (one-hot symbols, say) take the
 * sparse path: W_ih x as a sum of the columns of the non-zero inputs, and its gradient likewise.
 */
export const SPARSE_INPUT_DENSITY = 0.25;

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
    sparseInput: false,
    wih0T: new Float64Array(spec.inputSize * G),
    dWih0T: new Float64Array(spec.inputSize * G),
    gradT: new Float64Array(0),
    inputT: new Float64Array(0),
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
  const G = gateCount(spec.cell) * H;
  if (buf.gradT.length < cap * Math.max(G, spec.outputSize)) buf.gradT = new Float64Array(cap * Math.max(G, spec.outputSize));
  if (buf.inputT.length < cap * Math.max(H, spec.inputSize)) buf.inputT = new Float64Array(cap * Math.max(H, spec.inputSize));
  if (buf.dh.length < size * H) {
    const n = Math.max(size, 16);
    buf.dh = new Float64Array(n * H);
    buf.dc = new Float64Array(n * H);
    buf.gh = new Float64Array(n * gateCount(spec.cell) * H);
  }
}
