import { crc32 } from './crc32.js';
import { murmur2 } from './murmur2.js';

/**
 * How producers map a message key to a partition:
 * - `murmur2`: the Java client's default (also kafkajs' DefaultPartitioner and librdkafka's
 *   `murmur2` / `murmur2_random`): (murmur2(key) & 0x7fffffff) mod partitions.
 * - `crc32`: librdkafka's `consistent`: crc32(key) mod partitions (an empty key included).
 * - `consistent_random`: librdkafka's default (confluent-kafka Python/Go/.NET, kcat): crc32 like
 *   `consistent` for a non-empty key, a random partition for an empty one.
 */
export const KEY_PARTITIONERS = ['murmur2', 'crc32', 'consistent_random'] as const;

export type KeyPartitioner = (typeof KEY_PARTITIONERS)[number];

/**
 * The partition `partitioner` puts a message with key `key` in, among `partitionCount`; null
 * when it picks one at random (an empty key under `consistent_random`), so any is right.
 * Allocates nothing.
 */
export function partitionOfKey(partitioner: KeyPartitioner, key: Uint8Array, partitionCount: number): number | null {
  switch (partitioner) {
    case 'murmur2':
      return (murmur2(key) & 0x7fffffff) % partitionCount;
    case 'crc32':
      return crc32(key) % partitionCount;
    case 'consistent_random':
      return key.length === 0 ? null : crc32(key) % partitionCount;
  }
}
