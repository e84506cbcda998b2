/**
 * Checks that each message's key belongs to the partition it arrived in, under the partitioner
 * the producers are expected to use. A key sent by producers with different partitioners (the
 * Java client's murmur2 and librdkafka's crc32) lands in two partitions and would get two
 * independent states and two prediction streams; this finds it.
 */
export interface PartitionCheck {
  /** `reject`: dead-letter the event (`wrong_partition`); `count`: apply it and count it. */
  readonly policy: 'reject' | 'count';
  /** The partitioner's name, for the dead letter's detail. */
  readonly partitioner: string;
  readonly partitionCount: number;
  /** The partition `key` belongs to; null when any is right (a random choice). Allocates nothing. */
  expected(key: Uint8Array): number | null;
}
