/**
 * What the forward pass of one recurrent layer keeps for backpropagation through time, for the
 * packed rows of one window of a batch (batch-layout.ts): row r at offset r·H, or r·G·H for
 * gates. The arrays live in the network's kernel memory (kernel-memory.ts) and are laid out by
 * batch-buffers.ts for the most rows seen, then reused: no allocation per step or per batch
 * once warm.
 */
import { gateCount, hasCellState, type CellKind } from '../model/cell-kind.js';
import type { TakeArray } from './kernels/kernel-memory.js';

/** Per-layer forward cache; field contents depend on the cell (see each cell's forward). */
export class LayerCache {
  readonly cell: CellKind;
  readonly hidden: number;
  /** Rows the buffers currently hold. */
  capacity = 0;
  /** h_{t-1} as the step read it (zero after a reset, the carried state at a window start). */
  hPrev = new Float64Array(0);
  /** h_t. */
  h = new Float64Array(0);
  /** LSTM: c_{t-1} and c_t; empty for other cells. */
  cPrev = new Float64Array(0);
  c = new Float64Array(0);
  /** W_ih x_t + b_ih of every row (computed for the whole window at once), G·H each. */
  gi = new Float64Array(0);
  /** Activated gates, G·H per row: GRU r, z, n; LSTM i, f, g, o; empty for Elman. */
  gates = new Float64Array(0);
  /** GRU: W_hn h_{t-1} + b_hn per row (what r multiplies); empty for other cells. */
  hn = new Float64Array(0);
  /** Backward: dL/dh_t reaching each row from above (the head or the next layer), H each. */
  dhIn = new Float64Array(0);
  /** Backward: dL/d(W_ih x + b_ih) per row, G·H each (the gate pre-activation gradients, input side). */
  dGi = new Float64Array(0);
  /** Backward: dL/d(W_hh h + b_hh) per row; the same array as {@link dGi} except for the GRU. */
  dGh = new Float64Array(0);

  constructor(cell: CellKind, hidden: number) {
    this.cell = cell;
    this.hidden = hidden;
  }

  /** Takes the arrays for `rows` rows (contents unspecified); `take` is a kernel-memory layout or a counting pass. */
  layOut(rows: number, take: TakeArray): void {
    const H = this.hidden;
    const G = gateCount(this.cell) * H;
    const lstm = hasCellState(this.cell);
    this.hPrev = take(rows * H);
    this.h = take(rows * H);
    this.cPrev = take(lstm ? rows * H : 0);
    this.c = take(lstm ? rows * H : 0);
    this.gi = take(rows * G);
    this.gates = take(this.cell === 'gru' || this.cell === 'lstm' ? rows * G : 0);
    this.hn = take(this.cell === 'gru' ? rows * H : 0);
    this.dhIn = take(rows * H);
    this.dGi = take(rows * G);
    this.dGh = this.cell === 'gru' ? take(rows * G) : this.dGi;
    this.capacity = rows;
  }
}
