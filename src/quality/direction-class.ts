/** Class index of a log return for `next_direction`: 0 down (r < -flat), 1 flat (|r| <= flat), 2 up (r > flat). */
export function directionClass(r: number, flat: number): number {
  return Math.abs(r) <= flat ? 1 : r > 0 ? 2 : 0;
}
