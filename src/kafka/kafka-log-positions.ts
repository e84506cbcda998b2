import type { Admin } from 'kafkajs';
import type { LogPositions, PartitionLogPositions } from '../stream/log-positions.js';

/**
 * LogPositions from a connected kafkajs admin: the partition's earliest offset (ListOffsets) and
 * consumer group `groupId`'s committed offset (OffsetFetch; kafkajs reports "-1" for none).
 */
export function kafkaLogPositions(admin: Admin, groupId: string): LogPositions {
  return {
    groupId,
    async positions(topic: string, partition: number): Promise<PartitionLogPositions> {
      const [offsets, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
      const low = offsets.find((o) => o.partition === partition)?.low;
      const mine = committed.find((t) => t.topic === topic)?.partitions.find((p) => p.partition === partition)?.offset;
      const committedOffset = mine === undefined ? -1 : Number(mine);
      return { logStart: low === undefined ? 0 : Number(low), committed: committedOffset >= 0 ? committedOffset : null };
    },
  };
}
