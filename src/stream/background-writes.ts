import type { OutboxMessage } from '../state/state-store.js';
import type { PartitionContext } from './partition-context.js';

const id = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

/**
 * One partition's write-behind jobs (see write-behind.ts). Each job's steps are chained to the
 * same steps of the job before: its state write is sent after the previous job's was sent (one
 * connection keeps them in order), its result is taken after the previous job's result, its
 * produce runs after the previous job's produce. So a partition's writes and its produces each
 * stay in offset order, while writes and produces of consecutive jobs overlap.
 */
export class PartitionJobs {
  /**
   * Settles when the latest job has sent its state write (its states are encoded: the partition's
   * next batch may advance them) or given up (never rejects).
   */
  issued: Promise<void> = Promise.resolve();
  /** Settles when the latest job's state write has finished or given up (never rejects). */
  written: Promise<void> = Promise.resolve();
  /** Settles when the latest job's produce has finished or given up (never rejects). */
  produced: Promise<void> = Promise.resolve();
  /**
   * Predictions of jobs whose state write was sent but whose produce has not finished, oldest
   * first: the next write's outbox carries them, so replacing the outbox never drops a prediction
   * that is not in Kafka yet.
   */
  readonly unproduced: { readonly watermark: number; readonly messages: readonly OutboxMessage[] }[] = [];
  /** The partition context whose jobs stop (a job of it failed or was fenced): later jobs of it do no I/O. */
  broken: PartitionContext | null = null;
  /** Jobs started and not finished. */
  pending = 0;
  /** Sequence number of the latest job started. */
  latest = 0;
  private waiters: (() => void)[] = [];

  /** Resolves once fewer than `bound` jobs are pending. */
  async below(bound: number): Promise<void> {
    while (this.pending >= bound) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** Resolves once no job is pending. */
  idle(): Promise<void> {
    return this.below(1);
  }

  /** Counts a job as started; returns its sequence number. */
  begin(): number {
    this.pending++;
    return ++this.latest;
  }

  /** Counts a job as finished and wakes whoever waits for room. */
  end(): void {
    this.pending--;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

/**
 * The write-behind jobs of every input partition. Shared by the pipeline and its owner: the
 * owner drains them on a graceful stop, so that what was handed to the background is written and
 * published before the consumer leaves its group.
 */
export class BackgroundWrites {
  private readonly partitions = new Map<string, PartitionJobs>();

  /** The partition's jobs (created on first use). */
  of(topic: string, partition: number): PartitionJobs {
    const key = id(topic, partition);
    let jobs = this.partitions.get(key);
    if (jobs === undefined) this.partitions.set(key, (jobs = new PartitionJobs()));
    return jobs;
  }

  /**
   * Resolves when the partition's latest job has sent its state write (never rejects): until then
   * the states it writes are read, so the partition's next batch must not advance them.
   */
  issued(topic: string, partition: number): Promise<void> {
    return this.partitions.get(id(topic, partition))?.issued ?? Promise.resolve();
  }

  /** Resolves when every job of the partition started so far has finished (never rejects). */
  idle(topic: string, partition: number): Promise<void> {
    return this.partitions.get(id(topic, partition))?.idle() ?? Promise.resolve();
  }

  /** Resolves when every job started so far, of every partition, has finished. */
  async drain(): Promise<void> {
    await Promise.all([...this.partitions.values()].map((jobs) => jobs.idle()));
  }
}
