/** Per-input mean and standard deviation, as stored in a manifest's `normalisation`. */
export interface NormalisationStats {
  readonly mean: number[];
  readonly std: number[];
}

/** Standard deviations below this are treated as a constant input, normalised with std 1. */
export const MIN_STD = 1e-12;

/**
 * Mean and population standard deviation of each column of the rows of `rows` (each a
 * Float64Array of row-major width-wide rows) whose index is below `limits[i]`: the training
 * prefix of each key. A constant (or absent) column gets std 1, so it normalises to x - mean.
 */
export function normalisationStats(rows: readonly Float64Array[], limits: readonly number[], width: number, mask?: readonly Uint8Array[]): NormalisationStats {
  const sum = new Float64Array(width);
  let count = 0;
  rows.forEach((r, k) => {
    for (let t = 0; t < limits[k]; t++) {
      if (mask && !mask[k][t]) continue;
      for (let i = 0; i < width; i++) sum[i] += r[t * width + i];
      count++;
    }
  });
  const mean = Array.from(sum, (s) => (count > 0 ? s / count : 0));
  const sq = new Float64Array(width);
  rows.forEach((r, k) => {
    for (let t = 0; t < limits[k]; t++) {
      if (mask && !mask[k][t]) continue;
      for (let i = 0; i < width; i++) sq[i] += (r[t * width + i] - mean[i]) ** 2;
    }
  });
  const std = Array.from(sq, (s) => {
    const sd = count > 0 ? Math.sqrt(s / count) : 0;
    return sd < MIN_STD ? 1 : sd;
  });
  return { mean, std };
}
