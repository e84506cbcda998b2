import type { Counter } from 'prom-client';

/**
 * Accounts wall time (monotonic clock) by how many batches are in the pipeline: `busy` while at
 * least one is, `backpressure` while all `slots` are taken (the source can hand over no further
 * batch, so the consumer waits). Time is added at every change and when flushed (each scrape).
 */
export class ActivityClock {
  private inFlight = 0;
  private since: number;
  private slots = Infinity;

  constructor(
    private readonly busy: Counter.Internal,
    private readonly backpressure: Counter.Internal,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.since = clock();
  }

  /** The pipeline's batch slots (maxBatchesInFlight). */
  setSlots(slots: number): void {
    this.flush();
    this.slots = slots;
  }

  /** A batch entered the pipeline. */
  enter(): void {
    this.flush();
    this.inFlight++;
  }

  /** A batch left the pipeline. */
  leave(): void {
    this.flush();
    this.inFlight = Math.max(0, this.inFlight - 1);
  }

  /** Adds the time since the last change to the counters of the current state. */
  flush(): void {
    const t = this.clock();
    const seconds = (t - this.since) / 1000;
    this.since = t;
    if (seconds <= 0) return;
    if (this.inFlight > 0) this.busy.inc(seconds);
    if (this.inFlight >= this.slots) this.backpressure.inc(seconds);
  }
}
