const id = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

/**
 * The write-behind jobs of each input partition (a batch's dead letters, state write and
 * publish, run after the batch was settled to the source: see write-behind.ts), one chain per
 * partition: a job starts only when the partition's previous one has finished, so a partition's
 * writes and produces stay in offset order. Jobs never reject (they handle their own failures).
 *
 * Shared by the pipeline and its owner: the owner drains it on a graceful stop, so that what was
 * handed to the background is written and published before the consumer leaves its group.
 */
export class BackgroundWrites {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly waiting = new Map<string, number>();

  /** Resolves when every job of the partition started so far has finished (never rejects). */
  idle(topic: string, partition: number): Promise<void> {
    return this.tails.get(id(topic, partition)) ?? Promise.resolve();
  }

  /**
   * Waits, as the partition's next batch, for its jobs to finish ({@link idle}); while it waits,
   * {@link nextWaiting} is true, so the job in flight knows a newer write of the partition follows.
   */
  async waitTurn(topic: string, partition: number): Promise<void> {
    const key = id(topic, partition);
    this.waiting.set(key, (this.waiting.get(key) ?? 0) + 1);
    try {
      await this.idle(topic, partition);
    } finally {
      const n = (this.waiting.get(key) ?? 1) - 1;
      if (n === 0) this.waiting.delete(key);
      else this.waiting.set(key, n);
    }
  }

  /** Whether a batch of the partition is waiting for its turn (its write follows the job in flight). */
  nextWaiting(topic: string, partition: number): boolean {
    return this.waiting.has(id(topic, partition));
  }

  /** Starts `job` after the partition's previous jobs; resolves when it has finished (never rejects). */
  start(topic: string, partition: number, job: () => Promise<void>): Promise<void> {
    const key = id(topic, partition);
    const run = this.idle(topic, partition)
      .then(job)
      .catch(() => undefined);
    const tail = run.finally(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    this.tails.set(key, tail);
    return tail;
  }

  /** Resolves when every job started so far, of every partition, has finished. */
  async drain(): Promise<void> {
    while (this.tails.size > 0) await Promise.all([...this.tails.values()]);
  }
}
