import { RnnStreamError } from '../errors/index.js';
import type { PartitionContext } from './partition-context.js';

const id = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

/**
 * The partitions a worker owns and the batches in flight. A context is dropped whenever
 * ownership may have changed (a rebalance, a fencing error, a failed batch); the partition's
 * next batch then reloads it from the store. At most one batch per partition may be in flight:
 * the sources guarantee it and {@link begin} checks it, since per-key order depends on it.
 */
export class PartitionTable {
  private readonly contexts = new Map<string, PartitionContext>();
  private readonly inFlight = new Set<string>();
  private readonly refused = new Set<number>();

  get(topic: string, partition: number): PartitionContext | undefined {
    return this.contexts.get(id(topic, partition));
  }

  set(context: PartitionContext): void {
    this.contexts.set(id(context.ref.topic, context.ref.partition), context);
  }

  /** Forgets a partition's in-memory state (reloaded from the store on its next batch). */
  drop(topic: string, partition: number): void {
    this.contexts.delete(id(topic, partition));
  }

  /** Forgets every partition (on a new group generation: any partition may have had another owner). */
  dropAll(): void {
    this.contexts.clear();
  }

  /** Partitions whose batches must never be applied (beyond the count the state was built with). */
  refuse(partitions: readonly number[]): void {
    for (const p of partitions) this.refused.add(p);
  }

  /**
   * Marks a batch of the partition in flight; throws when one already is (a source bug) or when
   * the partition is refused.
   */
  begin(topic: string, partition: number): void {
    if (this.refused.has(partition)) {
      throw new RnnStreamError(`${topic}[${partition}]: partition refused (beyond the partition count the state was built with)`);
    }
    const key = id(topic, partition);
    if (this.inFlight.has(key)) {
      throw new RnnStreamError(`${topic}[${partition}]: a second batch arrived before the first one settled; per-key order would break`);
    }
    this.inFlight.add(key);
  }

  end(topic: string, partition: number): void {
    this.inFlight.delete(id(topic, partition));
  }

  /** Number of keys held in memory over all owned partitions. */
  keyCount(): number {
    let n = 0;
    for (const c of this.contexts.values()) n += c.states.size;
    return n;
  }

  /** The owned partitions. */
  owned(): PartitionContext[] {
    return [...this.contexts.values()];
  }
}
