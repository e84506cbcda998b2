import type { KeySeries } from './dataset-key-series.js';

/**
 * Visits the first `limits[k]` events of every key in input order (partition, then file line or
 * offset): a k-way merge with a binary heap over the keys, whose own events are already in
 * order. Yields [key index, step].
 */
export function* inputOrder(series: readonly KeySeries[], limits: readonly number[]): Generator<[number, number]> {
  const next = new Int32Array(series.length);
  const heap: number[] = [];
  const before = (a: number, b: number): boolean => {
    const ea = series[a].events;
    const eb = series[b].events;
    const pa = ea.partition(next[a]);
    const pb = eb.partition(next[b]);
    return pa !== pb ? pa < pb : ea.pos(next[a]) < eb.pos(next[b]);
  };
  const up = (i: number): void => {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i], heap[parent])) return;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  };
  const down = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && before(heap[l], heap[m])) m = l;
      if (r < heap.length && before(heap[r], heap[m])) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  };
  series.forEach((_, k) => {
    if (limits[k] > 0) {
      heap.push(k);
      up(heap.length - 1);
    }
  });
  while (heap.length > 0) {
    const k = heap[0];
    yield [k, next[k]];
    next[k]++;
    if (next[k] < limits[k]) down(0);
    else {
      const last = heap.pop()!;
      if (heap.length > 0) {
        heap[0] = last;
        down(0);
      }
    }
  }
}
