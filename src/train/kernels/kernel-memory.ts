/**
 * The WebAssembly memory the training kernels (matrix-kernels.wat, cell-kernels.wat) work in, their
 * instances bound to it, and a bump allocator of float64 arrays inside it. The kernels read and write only
 * this memory, so every array they touch is taken from here; JavaScript reads and writes the
 * same arrays as ordinary Float64Arrays.
 *
 * Arrays are laid out anew as a whole: `reset(doubles)` then `take(length)` for each array, in
 * the same order as a counting pass (see {@link countDoubles}) sized them. Growing the memory
 * invalidates (detaches) every array taken before, so a layout that grows must take all of its
 * arrays again. Byte 0 .. 15 are never handed out: offset 0 means "no array" to the kernels.
 * A WebAssembly memory holds at most 4 GiB.
 */
import { TrainingDataError } from '../../errors/index.js';
import { CELL_KERNELS_WASM } from './cell-kernels-wasm.js';
import { MATRIX_KERNELS_WASM } from './matrix-kernels-wasm.js';

/** The kernels' exports: byte offsets and sizes (the .wat files state the contracts). */
export interface Kernels {
  gemm_nn(a: number, m: number, k: number, b: number, n: number, bias: number, c: number, acc: number): void;
  gemm_tn(a: number, m: number, r: number, b: number, n: number, c: number): void;
  column_sums(a: number, m: number, n: number, out: number): void;
  sparse_rows_times(a: number, m: number, k: number, b: number, n: number, bias: number, c: number): void;
  sparse_transpose_accumulate(a: number, m: number, k: number, d: number, n: number, out: number): void;
  gru_forward(gi: number, gh: number, hPrev: number, gates: number, hn: number, h: number, rows: number, hidden: number): void;
  gru_backward(gates: number, hPrev: number, hn: number, dhIn: number, dGi: number, dGh: number, dh: number, rows: number, hidden: number): void;
  lstm_forward(gi: number, gh: number, cPrev: number, gates: number, c: number, h: number, rows: number, hidden: number): void;
  lstm_backward(gates: number, cPrev: number, c: number, dhIn: number, da: number, dh: number, dc: number, rows: number, hidden: number): void;
}

/** Takes arrays for a layout: {@link KernelMemory.take}, or a counting pass. */
export type TakeArray = (length: number) => Float64Array<ArrayBuffer>;

const PAGE_BYTES = 65536;
const MAX_PAGES = 65536;
const RESERVED_BYTES = 16;
const compiled = [MATRIX_KERNELS_WASM, CELL_KERNELS_WASM].map((base64) => new WebAssembly.Module(Buffer.from(base64, 'base64')));

/** Doubles an array of `length` occupies in a layout (arrays start 16-byte aligned). */
const slot = (length: number) => length + (length & 1);

/** Doubles a layout needs: runs `layout` with a taker that only counts. */
export function countDoubles(layout: (take: TakeArray) => void): number {
  let total = 0;
  const empty = new Float64Array(0);
  layout((length) => {
    total += slot(length);
    return empty;
  });
  return total;
}

/** One WebAssembly memory with the matrix kernels bound to it (see file header). */
export class KernelMemory {
  readonly kernels: Kernels;
  private readonly memory: WebAssembly.Memory;
  private top = RESERVED_BYTES;
  private end = RESERVED_BYTES;

  constructor() {
    this.memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES });
    const exports = compiled.map((m) => new WebAssembly.Instance(m, { env: { memory: this.memory } }).exports);
    this.kernels = Object.assign({}, ...exports) as Kernels;
  }

  /** Bytes the memory holds now. */
  get bytes(): number {
    return this.memory.buffer.byteLength;
  }

  /**
   * Starts a layout of `doubles` float64 values (as counted by {@link countDoubles}); grows the
   * memory when needed, which detaches every array taken before. Throws TrainingDataError when
   * the layout does not fit in a WebAssembly memory.
   */
  reset(doubles: number): void {
    const bytes = RESERVED_BYTES + doubles * 8;
    const pages = Math.ceil(bytes / PAGE_BYTES);
    const have = this.memory.buffer.byteLength / PAGE_BYTES;
    if (pages > have) {
      const limit = `${(bytes / 2 ** 20).toFixed(0)} MiB of training buffers, more than the ${(MAX_PAGES * PAGE_BYTES) / 2 ** 30} GiB a WebAssembly memory holds`;
      if (pages > MAX_PAGES) throw new TrainingDataError(`a window of this batch needs ${limit}: train with a shorter window (tbptt) or smaller batches`);
      try {
        this.memory.grow(pages - have);
      } catch (err) {
        throw new TrainingDataError(`could not grow the training buffers to ${(bytes / 2 ** 20).toFixed(0)} MiB: train with a shorter window (tbptt) or smaller batches`, {}, { cause: err });
      }
    }
    this.top = RESERVED_BYTES;
    this.end = bytes;
  }

  /** The next `length` doubles of the layout started by {@link reset} (contents unspecified). */
  take(length: number): Float64Array<ArrayBuffer> {
    const start = this.top;
    this.top += slot(length) * 8;
    if (this.top > this.end) throw new Error(`kernel memory layout overrun: ${this.top} > ${this.end} bytes (the counting pass and the layout disagree)`);
    return new Float64Array(this.memory.buffer, start, length);
  }

  /**
   * Byte offset of element `offset` of `view` for a kernel that touches `length` elements from
   * there; throws (a programming error) when `view` is not in this memory or is too short.
   */
  address(view: Float64Array, offset: number, length: number): number {
    if (view.buffer !== this.memory.buffer) throw new Error('a matrix kernel was given an array outside its kernel memory');
    if (offset < 0 || offset + length > view.length) throw new Error(`a matrix kernel would touch elements ${offset}..${offset + length} of an array of ${view.length}`);
    return view.byteOffset + offset * 8;
  }
}
