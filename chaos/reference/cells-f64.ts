/**
 * Float64 reference cells for the chaos verifier: PyTorch's nn.RNN / nn.GRU / nn.LSTM equations
 * (gate order r,z,n for GRU and i,f,g,o for LSTM, as in PyTorch's documentation), written plainly
 * over Float64Array with no code shared with src/model. Speed does not matter here; clarity does.
 */

/** One layer's weights in float64: W_ih [G·H, I], W_hh [G·H, H], b_ih and b_hh [G·H]. */
export interface LayerWeights64 {
  readonly wIh: Float64Array;
  readonly wHh: Float64Array;
  readonly bIh: Float64Array;
  readonly bHh: Float64Array;
  readonly inputSize: number;
  readonly hiddenSize: number;
}

export type Cell64 = 'rnn_tanh' | 'rnn_relu' | 'gru' | 'lstm';

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/** rows [from, from + count) of W (cols wide) times x, plus b of the same rows. */
function affineRows(w: Float64Array, b: Float64Array, x: Float64Array, from: number, count: number, cols: number): Float64Array {
  const out = new Float64Array(count);
  for (let r = 0; r < count; r++) {
    let sum = b[from + r];
    const row = (from + r) * cols;
    for (let c = 0; c < cols; c++) sum += w[row + c] * x[c];
    out[r] = sum;
  }
  return out;
}

/**
 * One step of one layer: returns the new h (and, for LSTM, the new c). `h` and `c` are the
 * layer's previous state; they are not modified.
 */
export function stepLayer64(cell: Cell64, l: LayerWeights64, x: Float64Array, h: Float64Array, c: Float64Array | null): { h: Float64Array; c: Float64Array | null } {
  const H = l.hiddenSize;
  const I = l.inputSize;
  if (cell === 'rnn_tanh' || cell === 'rnn_relu') {
    const a = affineRows(l.wIh, l.bIh, x, 0, H, I);
    const b = affineRows(l.wHh, l.bHh, h, 0, H, H);
    const out = new Float64Array(H);
    for (let j = 0; j < H; j++) out[j] = cell === 'rnn_tanh' ? Math.tanh(a[j] + b[j]) : Math.max(0, a[j] + b[j]);
    return { h: out, c: null };
  }
  if (cell === 'gru') {
    const xr = affineRows(l.wIh, l.bIh, x, 0, H, I);
    const xz = affineRows(l.wIh, l.bIh, x, H, H, I);
    const xn = affineRows(l.wIh, l.bIh, x, 2 * H, H, I);
    const hr = affineRows(l.wHh, l.bHh, h, 0, H, H);
    const hz = affineRows(l.wHh, l.bHh, h, H, H, H);
    const hn = affineRows(l.wHh, l.bHh, h, 2 * H, H, H);
    const out = new Float64Array(H);
    for (let j = 0; j < H; j++) {
      const r = sigmoid(xr[j] + hr[j]);
      const z = sigmoid(xz[j] + hz[j]);
      const n = Math.tanh(xn[j] + r * hn[j]);
      out[j] = (1 - z) * n + z * h[j];
    }
    return { h: out, c: null };
  }
  const gates = [0, 1, 2, 3].map((g) => {
    const a = affineRows(l.wIh, l.bIh, x, g * H, H, I);
    const b = affineRows(l.wHh, l.bHh, h, g * H, H, H);
    return a.map((v, j) => v + b[j]);
  });
  const hOut = new Float64Array(H);
  const cOut = new Float64Array(H);
  for (let j = 0; j < H; j++) {
    const i = sigmoid(gates[0][j]);
    const f = sigmoid(gates[1][j]);
    const g = Math.tanh(gates[2][j]);
    const o = sigmoid(gates[3][j]);
    cOut[j] = f * c![j] + i * g;
    hOut[j] = o * Math.tanh(cOut[j]);
  }
  return { h: hOut, c: cOut };
}
