/** One partition's offset to commit: the next offset to consume (the last handled + 1), decimal. */
export interface PartitionCommit {
  readonly partition: number;
  readonly offset: string;
}

/** Sends one offset commit of `topic`'s partitions; rejects when the coordinator refused it. */
export type CommitOffsets = (offsets: readonly PartitionCommit[]) => Promise<void>;

/** Options of {@link OffsetCommitter}. */
export interface OffsetCommitterOptions {
  /** Milliseconds between commits of what was handled meanwhile (> 0). */
  readonly intervalMs: number;
  /** How commits are sent while the consumer runs. */
  readonly commit: CommitOffsets;
  /** A commit that failed; its offsets are kept for the next one unless a newer offset came meanwhile. */
  readonly onError: (error: unknown) => void;
}

/**
 * Commits the consumer group offsets of handled batches every `intervalMs` from a timer, instead
 * of one commit request after every batch (kafkajs' eachBatch commits after each batch and
 * fetches again only once the commit is answered, so the commit's round trip sits between every
 * batch and the next fetch). Only offsets handled since the previous commit are sent; an idle
 * consumer sends nothing.
 *
 * What an interval costs: after a crash or a rebalance, the partition's next owner fetches again
 * from the last committed offset, at most about `intervalMs` of input; the pipeline skips those
 * events as already applied (the state store's watermark, not the committed offset, says where
 * a partition resumes), so nothing is applied twice.
 *
 * Commits are sent one at a time, in the order asked for, so an older offset never overwrites a
 * newer one. After {@link stop}, the source flushes after every batch it finishes, so a graceful
 * stop leaves the group's offsets at what was handled.
 */
export class OffsetCommitter {
  private readonly opts: OffsetCommitterOptions;
  private readonly pending = new Map<number, string>();
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private isStopping = false;
  /** Moves on when offsets are forgotten or dropped, so a failed commit does not bring them back. */
  private epoch = 0;
  private assignment = 0;

  constructor(opts: OffsetCommitterOptions) {
    if (!(Number.isInteger(opts.intervalMs) && opts.intervalMs > 0)) throw new RangeError(`commit interval ${opts.intervalMs} ms is not a positive integer`);
    this.opts = opts;
  }

  /** Starts the timer (once); it does not keep the process alive. */
  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => void this.flush(), this.opts.intervalMs);
    this.timer.unref();
  }

  /** Counts the group (re)joins seen through {@link retain}: the assignment a batch was fetched under. */
  get generation(): number {
    return this.assignment;
  }

  /**
   * The batch handled `partition` up to `offset` (its last message): offset + 1 is committed next.
   * With `generation` (write-behind: a batch published after it was settled), an offset handled
   * under an older assignment than the current one is ignored: the partition may have moved.
   */
  handled(partition: number, offset: string, generation = this.assignment): void {
    if (generation !== this.assignment) return;
    this.pending.set(partition, (BigInt(offset) + 1n).toString());
  }

  /** The partition's position was moved (a seek): what was handled before is not committed. */
  forget(partition: number): void {
    this.pending.delete(partition);
    this.epoch++;
  }

  /** The partitions now assigned: offsets of the others (moved to another member) are dropped. */
  retain(partitions: readonly number[]): void {
    for (const partition of [...this.pending.keys()]) if (!partitions.includes(partition)) this.pending.delete(partition);
    this.epoch++;
    this.assignment++;
  }

  /** Whether the consumer is stopping: batches handled from now on are committed right away. */
  get stopping(): boolean {
    return this.isStopping;
  }

  /**
   * Marks the consumer as stopping, stops the timer and commits what was handled so far. Later
   * batches flush themselves (a timer commit could go through a consumer that is already
   * stopping, which kafkajs drops without sending).
   */
  stop(): Promise<void> {
    this.isStopping = true;
    this.close();
    return this.flush();
  }

  /**
   * Commits the offsets handled since the last commit (through `commit`, default the configured
   * one), after any commit already under way. Never rejects: a failure goes to `onError`.
   */
  flush(commit: CommitOffsets = this.opts.commit): Promise<void> {
    this.chain = this.chain.then(() => this.commitPending(commit));
    return this.chain;
  }

  /** Stops the timer (what is pending stays uncommitted). */
  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async commitPending(commit: CommitOffsets): Promise<void> {
    if (this.pending.size === 0) return;
    const offsets = [...this.pending].map(([partition, offset]) => ({ partition, offset }));
    this.pending.clear();
    const epoch = this.epoch;
    try {
      await commit(offsets);
    } catch (error) {
      if (epoch === this.epoch) for (const { partition, offset } of offsets) if (!this.pending.has(partition)) this.pending.set(partition, offset);
      this.opts.onError(error);
    }
  }
}
