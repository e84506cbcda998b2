/**
 * The calendar-time split of one key's events, the same instants for every key: training is
 * the prefix before the first event at or after `validateFrom`, validation runs up to the first
 * later event at or after `testFrom`, the test part is the rest. Cut points are found in arrival
 * order, so a key's parts stay contiguous (its state carries across them, as in production); an
 * out-of-order event after a cut belongs to the part it arrived in.
 */
export function splitAtTimes(ts: ArrayLike<number>, validateFrom: number, testFrom?: number): { cut: number; testCut: number } {
  const n = ts.length;
  let cut = 0;
  while (cut < n && ts[cut] < validateFrom) cut++;
  let testCut = cut;
  if (testFrom === undefined) return { cut, testCut: n };
  while (testCut < n && ts[testCut] < testFrom) testCut++;
  return { cut, testCut };
}
