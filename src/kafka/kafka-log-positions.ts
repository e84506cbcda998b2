import type { KafkaAdmin } from './kafka-client.js';
import type { LogPositions, PartitionLogPositions } from '../stream/log-positions.js';

/**
 * LogPositions from a connected admin: the partition's earliest offset (ListOffsets) and
 * consumer group `groupId`'s committed offset (OffsetFetch; kafkajs reports "-1" for none).
 */
export function kafkaLogPositions(admin: KafkaAdmin, groupId: string): LogPositions {
  return {
    groupId,
    async positions(topic: string, partition: number): Promise<PartitionLogPositions> {
      const [offsets, committed] = await Promise.all([admin.topicOffsets(topic), admin.committedOffsets(groupId, topic)]);
      const low = offsets.find((o) => o.partition === partition)?.low;
      const mine = committed.find((p) => p.partition === partition)?.offset;
      const committedOffset = mine === undefined ? -1 : Number(mine);
      return { logStart: low === undefined ? 0 : Number(low), committed: committedOffset >= 0 ? committedOffset : null };
    },
  };
}
