/**
 * How the steps of a window of a batch are packed into rows, as PyTorch's PackedSequence packs
 * them: the sequences are ordered by length, longest first (ties keep their batch order), and
 * step s of the window holds the `active[s]` sequences still running at that step, as rows
 * rowStart[s] .. rowStart[s] + active[s] - 1 in that order. Because the order is by length,
 * the sequences running at step s are always a prefix of the order, so a ragged batch needs no
 * padding and no mask: a finished sequence simply has no row. Row i of step s is the sequence
 * order[i]; it read its previous state from row i of step s - 1.
 */

/** The packing of one window (see file header); arrays are reused across windows. */
export class BatchLayout {
  /** Batch indices, longest sequence first. */
  order = new Int32Array(0);
  /** Per window step: how many sequences run at that step. */
  active = new Int32Array(0);
  /** Per window step (and one past the last): the first row of the step. */
  rowStart = new Int32Array(1);
  /** Sequences in the batch. */
  size = 0;
  /** Steps in the window (up to the longest sequence), and rows in all. */
  steps = 0;
  rows = 0;

  /** Orders the batch by length (once per batch; windows of the batch share the order). */
  sort(lengths: readonly number[]): void {
    const B = lengths.length;
    if (this.order.length < B) this.order = new Int32Array(B);
    const idx = Array.from({ length: B }, (_, b) => b).sort((a, b) => lengths[b] - lengths[a] || a - b);
    for (let i = 0; i < B; i++) this.order[i] = idx[i];
    this.size = B;
  }

  /** Packs the window [start, end) of the sorted batch whose lengths are `lengths`. */
  plan(lengths: readonly number[], start: number, end: number): void {
    const longest = this.size === 0 ? 0 : lengths[this.order[0]];
    const steps = Math.max(0, Math.min(end, longest) - start);
    if (this.active.length < steps) {
      this.active = new Int32Array(steps);
      this.rowStart = new Int32Array(steps + 1);
    }
    let rows = 0;
    let running = this.size;
    for (let s = 0; s < steps; s++) {
      while (running > 0 && lengths[this.order[running - 1]] <= start + s) running--;
      this.active[s] = running;
      this.rowStart[s] = rows;
      rows += running;
    }
    this.rowStart[steps] = rows;
    this.steps = steps;
    this.rows = rows;
  }
}
