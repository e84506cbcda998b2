/**
 * Turns of the event loop for slices of long work: `next()` resolves in a later check phase
 * (setImmediate), at most one caller per turn, first come first served. Timers and I/O callbacks
 * (HTTP probes, socket reads, the group heartbeat's reply) queued meanwhile run between two
 * slices.
 *
 * Why one per turn: Node runs every immediate queued before a check phase in that phase, so
 * partitions that each yield with their own setImmediate run their slices back to back, and the
 * loop is held for partitions x slice (three 20 ms slices: 60 ms, plus a garbage collection)
 * before a probe is answered. A resolve here releases one slice; the next waiter gets the next
 * turn.
 */
export class LoopTurns {
  private readonly waiting: (() => void)[] = [];
  private scheduled = false;

  /** Resolves when the caller may run its next slice. */
  next(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.waiting.push(resolve);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(this.release);
      }
    });
  }

  /** Callers waiting for a turn. */
  get pending(): number {
    return this.waiting.length;
  }

  private readonly release = (): void => {
    const resolve = this.waiting.shift();
    // Queued from inside a check phase, the next immediate runs in the next turn of the loop.
    if (this.waiting.length > 0) setImmediate(this.release);
    else this.scheduled = false;
    resolve?.();
  };
}
