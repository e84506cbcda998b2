/** Where a partition's log starts and where the consumer group left it. */
export interface PartitionLogPositions {
  /** The earliest offset the log still holds. */
  readonly logStart: number;
  /** The group's committed offset (the next offset to consume); null when the group never committed one. */
  readonly committed: number | null;
}

/**
 * Asks the source where a partition's log starts and what the consumer group committed (Kafka:
 * admin ListOffsets and OffsetFetch). Used once per partition load, and only when the store holds
 * no state for the partition, to tell a first start from lost state.
 */
export interface LogPositions {
  readonly groupId: string;
  positions(topic: string, partition: number): Promise<PartitionLogPositions>;
}

/** What to do when the store lost a partition's state: rebuild it from the log start, or stop. */
export type LostStatePolicy = 'replay' | 'refuse';
