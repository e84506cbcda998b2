/**
 * Ordinary least squares with an intercept: the coefficients w (width x (d + 1), the intercept
 * last) minimising sum ||y - W [x; 1]||^2 over the rows given, from the normal equations
 * (X'X + eps I) w = X'y solved by Gaussian elimination with partial pivoting. eps = 1e-10 x the
 * mean diagonal of X'X keeps a constant or duplicated input from making X'X singular.
 */
export class LinearLeastSquares {
  private readonly d: number;
  private readonly width: number;
  private readonly xtx: Float64Array;
  private readonly xty: Float64Array;
  private readonly row: Float64Array;
  private rows = 0;

  constructor(inputs: number, width: number) {
    this.d = inputs + 1;
    this.width = width;
    this.xtx = new Float64Array(this.d * this.d);
    this.xty = new Float64Array(this.d * width);
    this.row = new Float64Array(this.d);
  }

  /** Adds one row: inputs x[xOff..xOff+d-1], targets y[yOff..yOff+width-1]. */
  add(x: ArrayLike<number>, xOff: number, y: ArrayLike<number>, yOff: number): void {
    const { d, row } = this;
    for (let i = 0; i < d - 1; i++) row[i] = x[xOff + i];
    row[d - 1] = 1;
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) this.xtx[i * d + j] += row[i] * row[j];
      for (let k = 0; k < this.width; k++) this.xty[i * this.width + k] += row[i] * y[yOff + k];
    }
    this.rows++;
  }

  /** The fitted coefficients, row-major width x d (intercept last); zeros without rows. */
  solve(): Float64Array {
    const { d, width } = this;
    const w = new Float64Array(width * d);
    if (this.rows === 0) return w;
    let trace = 0;
    for (let i = 0; i < d; i++) trace += this.xtx[i * d + i];
    const eps = (1e-10 * trace) / d || 1e-12;
    for (let k = 0; k < width; k++) {
      const a = Float64Array.from(this.xtx);
      for (let i = 0; i < d; i++) a[i * d + i] += eps;
      const b = Float64Array.from({ length: d }, (_, i) => this.xty[i * width + k]);
      solveInPlace(a, b, d);
      w.set(b, k * d);
    }
    return w;
  }
}

/** Predicts into out[oOff..oOff+width-1] from coefficients `w` (see solve) and inputs x[xOff..]. */
export function linearPredict(w: Float64Array, inputs: number, x: ArrayLike<number>, xOff: number, out: Float64Array, width: number): void {
  const d = inputs + 1;
  for (let k = 0; k < width; k++) {
    let s = w[k * d + d - 1];
    for (let i = 0; i < inputs; i++) s += w[k * d + i] * x[xOff + i];
    out[k] = s;
  }
}

/** Solves a x = b (a: n x n row-major, overwritten; b overwritten by x). */
function solveInPlace(a: Float64Array, b: Float64Array, n: number): void {
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r * n + c]) > Math.abs(a[p * n + c])) p = r;
    if (p !== c) {
      for (let j = 0; j < n; j++) [a[c * n + j], a[p * n + j]] = [a[p * n + j], a[c * n + j]];
      [b[c], b[p]] = [b[p], b[c]];
    }
    const pivot = a[c * n + c];
    if (pivot === 0) continue;
    for (let r = c + 1; r < n; r++) {
      const f = a[r * n + c] / pivot;
      if (f === 0) continue;
      for (let j = c; j < n; j++) a[r * n + j] -= f * a[c * n + j];
      b[r] -= f * b[c];
    }
  }
  for (let c = n - 1; c >= 0; c--) {
    let s = b[c];
    for (let j = c + 1; j < n; j++) s -= a[c * n + j] * b[j];
    b[c] = a[c * n + c] === 0 ? 0 : s / a[c * n + c];
  }
}
