/**
 * Nelder-Mead simplex minimisation (Nelder & Mead 1965, with the standard coefficients:
 * reflection 1, expansion 2, contraction 0.5, shrink 0.5), for the few-parameter likelihoods of
 * the baselines (GARCH(1,1)). Deterministic: same function and start, same result.
 */

/** Result of {@link nelderMead}. */
export interface Minimum {
  readonly x: Float64Array;
  readonly f: number;
  readonly evaluations: number;
}

/** Options of {@link nelderMead}. */
export interface NelderMeadOptions {
  /** Size of the initial simplex along each axis. */
  readonly step?: number;
  readonly maxEvaluations?: number;
  /** Stop when the simplex's values differ by less than this (absolute). */
  readonly fTolerance?: number;
  /** ... and its points by less than this along every axis. */
  readonly xTolerance?: number;
}

/** Minimises `f` from `start`; non-finite values count as +Infinity. */
export function nelderMead(f: (x: Float64Array) => number, start: ArrayLike<number>, opts: NelderMeadOptions = {}): Minimum {
  const n = start.length;
  const step = opts.step ?? 0.5;
  const maxEvaluations = opts.maxEvaluations ?? 2000;
  const fTol = opts.fTolerance ?? 1e-10;
  const xTol = opts.xTolerance ?? 1e-9;
  let evaluations = 0;
  const value = (x: Float64Array): number => {
    evaluations++;
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  const points: Float64Array[] = Array.from({ length: n + 1 }, (_, i) => {
    const p = Float64Array.from(start);
    if (i > 0) p[i - 1] += step;
    return p;
  });
  const values = points.map(value);
  const centroid = new Float64Array(n);
  const along = (t: number): Float64Array => {
    const p = new Float64Array(n);
    for (let j = 0; j < n; j++) p[j] = centroid[j] + t * (points[n][j] - centroid[j]);
    return p;
  };
  while (evaluations < maxEvaluations) {
    const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
    const sortedPoints = order.map((i) => points[i]);
    const sortedValues = order.map((i) => values[i]);
    for (let i = 0; i <= n; i++) {
      points[i] = sortedPoints[i];
      values[i] = sortedValues[i];
    }
    let spread = 0;
    for (let i = 1; i <= n; i++) for (let j = 0; j < n; j++) spread = Math.max(spread, Math.abs(points[i][j] - points[0][j]));
    if (Math.abs(values[n] - values[0]) <= fTol && spread <= xTol) break;
    centroid.fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) centroid[j] += points[i][j] / n;
    const reflected = along(-1);
    const fr = value(reflected);
    if (fr < values[0]) {
      const expanded = along(-2);
      const fe = value(expanded);
      [points[n], values[n]] = fe < fr ? [expanded, fe] : [reflected, fr];
    } else if (fr < values[n - 1]) {
      [points[n], values[n]] = [reflected, fr];
    } else {
      const contracted = fr < values[n] ? along(-0.5) : along(0.5);
      const fc = value(contracted);
      if (fc < Math.min(fr, values[n])) {
        [points[n], values[n]] = [contracted, fc];
      } else {
        for (let i = 1; i <= n; i++) {
          for (let j = 0; j < n; j++) points[i][j] = points[0][j] + 0.5 * (points[i][j] - points[0][j]);
          values[i] = value(points[i]);
        }
      }
    }
  }
  let best = 0;
  for (let i = 1; i <= n; i++) if (values[i] < values[best]) best = i;
  return { x: points[best], f: values[best], evaluations };
}
