/**
 * The rolling mean of live scores: an exponentially weighted mean whose weights halve every
 * `halfLife` observations, normalised by the sum of the weights (so it is an exact weighted
 * average from the first observation on, with no start-up bias):
 *
 *     lambda = 2^(-1 / halfLife)
 *     S_n = lambda S_{n-1} + x_n        W_n = lambda W_{n-1} + 1        mean_n = S_n / W_n
 *
 * i.e. mean_n = sum_i lambda^(n-i) x_i / sum_i lambda^(n-i). The effective window is
 * 1 / (1 - lambda) ~ 1.44 halfLife observations. Allocates nothing.
 */
export class EwmaMean {
  private readonly lambda: number;
  private sum = 0;
  private weight = 0;

  /** `halfLife` in observations (> 0). */
  constructor(halfLife: number) {
    if (!(halfLife > 0) || !Number.isFinite(halfLife)) throw new RangeError(`halfLife must be a positive finite number, got ${halfLife}`);
    this.lambda = Math.pow(2, -1 / halfLife);
  }

  /** Adds one observation. */
  add(x: number): void {
    this.sum = this.lambda * this.sum + x;
    this.weight = this.lambda * this.weight + 1;
  }

  /** The weighted mean so far; NaN before the first observation. */
  get mean(): number {
    return this.weight > 0 ? this.sum / this.weight : NaN;
  }
}
