/**
 * The time-ordered split of one key's events: training is a prefix, validation the rest, and
 * every validation event is strictly later than every training event of the key.
 */

/**
 * Index of the key's first validation event: the smallest index >= n - round(n * fraction) (and
 * >= 1, so a key with events always trains on something) where every later event's `ts` is
 * strictly greater than every earlier one's and `isStart(index)` holds (many-to-one: a
 * sequence starts there). Returns n when no index qualifies (the key has no validation part).
 */
export function splitByTime(ts: ArrayLike<number>, fraction: number, isStart: (index: number) => boolean = () => true): number {
  const n = ts.length;
  const first = Math.max(1, n - Math.round(n * fraction));
  if (first >= n) return n;
  const suffixMin = new Float64Array(n + 1);
  suffixMin[n] = Infinity;
  for (let i = n - 1; i >= 0; i--) suffixMin[i] = Math.min(ts[i], suffixMin[i + 1]);
  let prefixMax = -Infinity;
  for (let i = 0; i < first; i++) prefixMax = Math.max(prefixMax, ts[i]);
  for (let c = first; c < n; c++) {
    if (prefixMax < suffixMin[c] && isStart(c)) return c;
    prefixMax = Math.max(prefixMax, ts[c]);
  }
  return n;
}
