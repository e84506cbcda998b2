/**
 * The chaos verifier's reference model: a manifest and safetensors weights (docs/model-format.md)
 * read and run in float64 with the cells of cells-f64.ts, plus the market feature transform as
 * docs/model-format.md and src/features/market-features.ts' header describe it (log_return,
 * log_volume, time_gap; normalisation (x - mean) / std). Shares no code with src/.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { stepLayer64, type Cell64, type LayerWeights64 } from './cells-f64.js';
import { readSafetensors64 } from './safetensors-f64.js';

/** The manifest fields the reference reads. */
interface Manifest {
  readonly cell: Cell64;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly outputSize: number;
  readonly weights: string;
  readonly features?: { readonly kind: 'vector' } | { readonly kind: 'market'; readonly inputs: readonly string[] };
  readonly normalisation?: { readonly mean: readonly number[]; readonly std: readonly number[] };
  readonly outputMode?: string;
}

/** A key's state in float64: h and c per layer, the previous tick, the step count. */
export interface ReferenceState {
  h: Float64Array[];
  c: Float64Array[] | null;
  prevPrice: number;
  prevTs: number;
  seen: boolean;
  step: number;
  /** The live-scoring slots of a key's memory (docs/state.md): latest log return, returns seen, EWMA variance of returns. */
  lastReturn: number;
  returns: number;
  ewmaVariance: number;
}

/**
 * RiskMetrics' decay of the EWMA variance a key's memory keeps (lambda 0.94), started at 0: a
 * manifest without output statistics or a training `ewmaAlpha`, as the runner's model is.
 */
const EWMA_LAMBDA = 0.94;

/** A valid tick (market models) or vector event. */
export type ReferenceEvent = { readonly ts: number; readonly price: number; readonly volume: number } | { readonly ts: number; readonly features: readonly number[] };

export class ReferenceModel {
  readonly manifest: Manifest;
  private readonly layers: LayerWeights64[];
  private readonly headW: Float64Array;
  private readonly headB: Float64Array;

  constructor(manifestPath: string) {
    this.manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
    const m = this.manifest;
    if (m.outputMode !== undefined && m.outputMode !== 'many_to_many') throw new Error('the reference runs many_to_many models only');
    const tensors = readSafetensors64(resolve(dirname(manifestPath), m.weights));
    const get = (name: string): Float64Array => {
      const t = tensors.get(name);
      if (!t) throw new Error(`${manifestPath}: no tensor ${name}`);
      return t.data;
    };
    this.layers = Array.from({ length: m.numLayers }, (_, l) => ({
      wIh: get(`rnn.weight_ih_l${l}`),
      wHh: get(`rnn.weight_hh_l${l}`),
      bIh: get(`rnn.bias_ih_l${l}`),
      bHh: get(`rnn.bias_hh_l${l}`),
      inputSize: l === 0 ? m.inputSize : m.hiddenSize,
      hiddenSize: m.hiddenSize,
    }));
    this.headW = get('head.weight');
    this.headB = get('head.bias');
  }

  /** A fresh state: zeros, no previous tick, step 0. */
  initialState(): ReferenceState {
    const H = this.manifest.hiddenSize;
    const layers = this.manifest.numLayers;
    return {
      h: Array.from({ length: layers }, () => new Float64Array(H)),
      c: this.manifest.cell === 'lstm' ? Array.from({ length: layers }, () => new Float64Array(H)) : null,
      prevPrice: 0,
      prevTs: 0,
      seen: false,
      step: 0,
      lastReturn: 0,
      returns: 0,
      ewmaVariance: 0,
    };
  }

  /** The model input of `event` for a key in `state` (features, then normalisation). */
  input(event: ReferenceEvent, state: ReferenceState): Float64Array {
    const m = this.manifest;
    let raw: number[];
    if ('features' in event) {
      raw = [...event.features];
    } else {
      if (m.features?.kind !== 'market') throw new Error('a tick needs a market model');
      raw = m.features.inputs.map((name) => {
        if (name === 'log_return') return state.seen ? Math.log(event.price / state.prevPrice) : 0;
        if (name === 'log_volume') return Math.log(1 + event.volume);
        if (name === 'time_gap') return state.seen ? Math.log(1 + Math.max(0, event.ts - state.prevTs) / 1000) : 0;
        throw new Error(`unknown market input ${name}`);
      });
    }
    const n = m.normalisation;
    return Float64Array.from(raw, (v, i) => (n ? (v - n.mean[i]) / n.std[i] : v));
  }

  /** Applies one valid event to `state` (in place) and returns the head's output. */
  step(event: ReferenceEvent, state: ReferenceState): Float64Array {
    let x = this.input(event, state);
    for (let l = 0; l < this.layers.length; l++) {
      const next = stepLayer64(this.manifest.cell, this.layers[l], x, state.h[l], state.c ? state.c[l] : null);
      state.h[l] = next.h;
      if (state.c && next.c) state.c[l] = next.c;
      x = next.h;
    }
    if (!('features' in event)) {
      if (state.seen) {
        const r = Math.log(event.price / state.prevPrice);
        state.ewmaVariance = EWMA_LAMBDA * (state.returns === 0 ? 0 : state.ewmaVariance) + (1 - EWMA_LAMBDA) * r * r;
        state.lastReturn = r;
        state.returns += 1;
      }
      state.prevPrice = event.price;
      state.prevTs = event.ts;
      state.seen = true;
    }
    state.step += 1;
    const H = this.manifest.hiddenSize;
    const out = new Float64Array(this.manifest.outputSize);
    for (let o = 0; o < out.length; o++) {
      let sum = this.headB[o];
      for (let j = 0; j < H; j++) sum += this.headW[o * H + j] * x[j];
      out[o] = sum;
    }
    return out;
  }

  /** The state as the service stores it: h of every layer, then c of every layer (docs/model-format.md). */
  flatHidden(state: ReferenceState): Float64Array {
    const parts = state.c ? [...state.h, ...state.c] : state.h;
    const out = new Float64Array(parts.length * this.manifest.hiddenSize);
    parts.forEach((p, i) => out.set(p, i * this.manifest.hiddenSize));
    return out;
  }
}
