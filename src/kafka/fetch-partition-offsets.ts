import type { Admin } from 'kafkajs';
import type { PartitionOffsets } from '../metrics/consumer-lag.js';

/**
 * The broker's view of `topic` for consumer group `groupId`: each partition's earliest and
 * log-end offsets and the group's committed offset (undefined when it has none). Two admin
 * requests; used to refresh the lag gauge independently of batches.
 */
export async function fetchPartitionOffsets(admin: Admin, groupId: string, topic: string): Promise<PartitionOffsets[]> {
  const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
  const byPartition = new Map<number, number>();
  for (const t of committed) {
    if (t.topic !== topic) continue;
    for (const p of t.partitions) if (Number(p.offset) >= 0) byPartition.set(p.partition, Number(p.offset));
  }
  return ends.map((o) => ({ partition: o.partition, end: Number(o.high), start: Number(o.low), committed: byPartition.get(o.partition) }));
}
