import { Partitioners, type PartitionMetadata } from 'kafkajs';

const partitioner = Partitioners.DefaultPartitioner();

/**
 * The partition a keyed message lands in with kafkajs' default partitioner, which is the Java
 * client's: murmur2(key bytes) & 0x7fffffff, modulo the partition count. (Producers with
 * another partitioner, e.g. librdkafka's default crc32, place keys elsewhere.)
 */
export function partitionForKey(key: string | Buffer, partitionCount: number): number {
  if (!Number.isInteger(partitionCount) || partitionCount < 1) throw new RangeError(`partition count ${partitionCount} is not an integer >= 1`);
  const partitionMetadata: PartitionMetadata[] = Array.from({ length: partitionCount }, (_, partitionId) => ({
    partitionErrorCode: 0,
    partitionId,
    leader: 0,
    replicas: [0],
    isr: [0],
    offlineReplicas: [],
  }));
  return partitioner({ topic: 'any', partitionMetadata, message: { key, value: null } });
}
