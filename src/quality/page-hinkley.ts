/**
 * Page-Hinkley test for an increase of the mean of a stream (Page 1954; in the form Gama et al.
 * 2013, "On evaluating stream learning algorithms", use for concept drift). Over the observations
 * x_1..x_T since the last reset:
 *
 *     xbar_t = (x_1 + ... + x_t) / t
 *     m_T    = sum_{t <= T} (x_t - xbar_t - delta)
 *     M_T    = min_{t <= T} m_t   (with m_0 = 0)
 *     PH_T   = m_T - M_T          drift when PH_T > lambda and T >= minEvents
 *
 * `delta` is the tolerated rise of the mean, `lambda` the alarm threshold, both in the units of
 * x (live scoring feeds the model's loss divided by a reference loss, so they are multiples of
 * it). After a detection the test restarts from nothing. Allocates nothing.
 */
export interface PageHinkleyParams {
  readonly delta: number;
  readonly lambda: number;
  /** Observations since the last reset before a detection may fire. */
  readonly minEvents: number;
}

export class PageHinkley {
  readonly params: PageHinkleyParams;
  private n = 0;
  private mean = 0;
  private cumulative = 0;
  private minimum = 0;
  /** PH_T at the last detection (0 before any). */
  lastAlarmStatistic = 0;

  constructor(params: PageHinkleyParams) {
    this.params = params;
  }

  /** Adds `x`; true when it makes the test detect a drift (the test has then restarted). */
  add(x: number): boolean {
    this.n += 1;
    this.mean += (x - this.mean) / this.n;
    this.cumulative += x - this.mean - this.params.delta;
    if (this.cumulative < this.minimum) this.minimum = this.cumulative;
    if (this.n >= this.params.minEvents && this.cumulative - this.minimum > this.params.lambda) {
      this.lastAlarmStatistic = this.cumulative - this.minimum;
      this.reset();
      return true;
    }
    return false;
  }

  /** PH_T, the statistic compared with lambda (0 after a reset). */
  get statistic(): number {
    return this.cumulative - this.minimum;
  }

  /** Observations since the last reset. */
  get count(): number {
    return this.n;
  }

  /** Forgets everything observed. */
  reset(): void {
    this.n = 0;
    this.mean = 0;
    this.cumulative = 0;
    this.minimum = 0;
  }
}
