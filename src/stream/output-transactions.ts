import type { SinkRecord } from '../records/sink-record.js';
import type { PartitionRef } from '../state/state-store.js';

/** Records for one output topic, in the order they are produced. */
export interface OutputRecords {
  readonly topic: string;
  readonly records: readonly SinkRecord[];
}

/**
 * The exactly_once output port (implemented in kafka/kafkajs-output-transactions.ts): per input
 * partition, a producer whose transactional id belongs to that partition, so that whoever owns
 * the partition next fences whoever owned it before.
 */
export interface OutputTransactions {
  /**
   * Takes `partition`'s transactional id before its state is read: the broker fences any earlier
   * holder and finishes (commits or aborts) a transaction it left open. Resolves with the input
   * offset the consumer group committed for the partition once that is settled (the next offset
   * whose output is not yet committed), null when the group committed none.
   */
  claim(partition: PartitionRef): Promise<number | null>;
  /**
   * Produces `outputs` and commits `nextOffset` as the group's offset of `partition`, in one
   * transaction. Throws OutputTransactionError after aborting what it could (never half
   * committed: read_committed consumers see all of it or none).
   */
  commit(partition: PartitionRef, outputs: readonly OutputRecords[], nextOffset: number): Promise<void>;
  /** Lets go of partitions this instance no longer owns (their producers disconnect). */
  release(partitions: readonly PartitionRef[]): Promise<void>;
  /** Partitions held now. */
  held(): readonly PartitionRef[];
}
