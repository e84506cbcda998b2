/**
 * Name of symbol `index` out of `count`: "SYM" and the index zero-padded to at least three
 * digits (SYM000 ... SYM999, SYM0000 ... for 1,000 symbols or more), so names sort in index order.
 */
export function symbolName(index: number, count: number): string {
  const width = Math.max(3, String(Math.max(0, count - 1)).length);
  return `SYM${String(index).padStart(width, '0')}`;
}
