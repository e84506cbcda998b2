/**
 * Everything one pass of BPTT over a window of a batch needs besides the parameters: the
 * packing (batch-layout.ts), the per-layer forward caches over the packed rows, the packed
 * layer-0 inputs, the gradient carries of the running sequences, the head outputs and their loss
 * gradients, a copy of the parameters with the transposed weights the products multiply by, and
 * the gradient of the window. All of it lives in one kernel memory (kernel-memory.ts), where the
 * WebAssembly matrix kernels can reach it; it is laid out once per network and laid out again
 * (never per step) when a window has more rows or sequences than any before.
 */
import { gateCount } from '../model/cell-kind.js';
import type { ModelSpec } from '../model/model-spec.js';
import { BatchLayout } from './batch-layout.js';
import { countDoubles, KernelMemory, type TakeArray } from './kernels/kernel-memory.js';
import { LayerCache } from './layer-cache.js';
import { ParamVector } from './param-vector.js';

/** Buffers of one network's batch passes (see file header). */
export interface BatchBuffers {
  readonly spec: ModelSpec;
  readonly layout: BatchLayout;
  readonly mem: KernelMemory;
  /** Forward caches of each layer for the window last run (read-only to everyone but the passes). */
  readonly caches: readonly LayerCache[];
  /** Rows and sequences the arrays are laid out for. */
  rowCapacity: number;
  seqCapacity: number;
  /** The parameters, copied in at the start of each window. */
  params: ParamVector;
  /** The window's gradient, added to the caller's at the end of the backward pass. */
  grads: ParamVector;
  /** Per layer: W_ihᵀ (inSize x G·H) and W_hhᵀ (H x G·H); the head's Wᵀ (H x O). */
  wihT: Float64Array[];
  whhT: Float64Array[];
  headT: Float64Array;
  /** The layer-0 W_ih gradient of the sparse input path, transposed (inputSize x G·H). */
  dWih0T: Float64Array;
  /** Layer-0 inputs of every packed row, rows x inputSize. */
  x: Float64Array;
  /** Whether layer-0 inputs are a token model's embedding rows; then dx holds dL/dx, rows x inputSize (else empty). */
  readonly embedding: boolean;
  dx: Float64Array;
  /** dL/dh and (LSTM) dL/dc carried back through time, one row of H per running sequence. */
  dh: Float64Array;
  dc: Float64Array;
  /** W_hh h + b_hh of one step's rows, G·H per sequence. */
  gh: Float64Array;
  /** Head outputs and loss gradients (scaled; zero at unmasked rows), rows x outputSize. */
  y: Float64Array;
  dy: Float64Array;
  /** Whether the window's layer-0 inputs are sparse enough (SPARSE_INPUT_DENSITY) to skip their zeros. */
  sparseInput: boolean;
}

/**
 * Layer-0 inputs with at most this fraction of non-zero values (one-hot symbols, say) take the
 * sparse path: W_ih x as a sum of the columns of the non-zero inputs, and its gradient likewise.
 */
export const SPARSE_INPUT_DENSITY = 0.25;

const EMPTY = new Float64Array(0);

/** Buffers for a network of `spec` (`embedding`: a token model's), laid out for no rows yet. */
export function createBatchBuffers(spec: ModelSpec, embedding = false): BatchBuffers {
  const mem = new KernelMemory();
  const layers = Array.from({ length: spec.numLayers }, () => EMPTY);
  return {
    spec,
    layout: new BatchLayout(),
    mem,
    caches: layers.map(() => new LayerCache(spec.cell, spec.hiddenSize)),
    rowCapacity: -1,
    seqCapacity: -1,
    params: new ParamVector(spec),
    grads: new ParamVector(spec),
    wihT: [...layers],
    whhT: [...layers],
    headT: EMPTY,
    dWih0T: EMPTY,
    x: EMPTY,
    embedding,
    dx: EMPTY,
    dh: EMPTY,
    dc: EMPTY,
    gh: EMPTY,
    y: EMPTY,
    dy: EMPTY,
    sparseInput: false,
  };
}

/** Takes every array of `buf` but the parameter copies for `rows` rows and `seqs` sequences, in one fixed order. */
function layOut(buf: BatchBuffers, rows: number, seqs: number, take: TakeArray): void {
  const { spec } = buf;
  const H = spec.hiddenSize;
  const G = gateCount(spec.cell) * H;
  for (let l = 0; l < spec.numLayers; l++) {
    buf.wihT[l] = take((l === 0 ? spec.inputSize : H) * G);
    buf.whhT[l] = take(H * G);
  }
  buf.headT = take(H * spec.outputSize);
  buf.dWih0T = take(spec.inputSize * G);
  for (const cache of buf.caches) cache.layOut(rows, take);
  buf.x = take(rows * spec.inputSize);
  buf.dx = take(buf.embedding ? rows * spec.inputSize : 0);
  buf.y = take(rows * spec.outputSize);
  buf.dy = take(rows * spec.outputSize);
  buf.dh = take(seqs * H);
  buf.dc = take(seqs * H);
  buf.gh = take(seqs * G);
}

/** Makes room for the window the layout holds (contents are not preserved when it lays out anew). */
export function ensureBatchBuffers(buf: BatchBuffers): void {
  const { rows, size } = buf.layout;
  if (rows <= buf.rowCapacity && size <= buf.seqCapacity) return;
  const rowCap = rows <= buf.rowCapacity ? buf.rowCapacity : Math.max(rows, 2 * buf.rowCapacity, 16);
  const seqCap = size <= buf.seqCapacity ? buf.seqCapacity : Math.max(size, 2 * buf.seqCapacity, 16);
  const { spec, mem } = buf;
  const values = ParamVector.size(spec);
  mem.reset(
    countDoubles((take) => {
      take(values);
      take(values);
      layOut(buf, rowCap, seqCap, take);
    }),
  );
  buf.params = new ParamVector(spec, 0, mem.take(values));
  buf.grads = new ParamVector(spec, 0, mem.take(values));
  layOut(buf, rowCap, seqCap, (length) => mem.take(length));
  buf.rowCapacity = rowCap;
  buf.seqCapacity = seqCap;
}
