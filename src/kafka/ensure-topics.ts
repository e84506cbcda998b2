import { RnnStreamError } from '../errors/index.js';
import type { KafkaAdmin, TopicSpec } from './kafka-client.js';

/**
 * Creates the missing topics among `topics` (waiting for their leaders) when `create` is true;
 * otherwise a missing topic is an error naming it. Existing topics are left as they are.
 */
export async function ensureTopics(admin: KafkaAdmin, topics: readonly TopicSpec[], create: boolean): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t.topic));
  if (missing.length === 0) return;
  if (!create) {
    throw new RnnStreamError(`topic(s) ${missing.map((t) => t.topic).join(', ')} do not exist and kafka.topics.create is false`);
  }
  try {
    await admin.createTopics(missing);
  } catch (cause) {
    // Another instance may have created them in between: only a still-missing topic is an error.
    const now = new Set(await admin.listTopics());
    const still = missing.filter((t) => !now.has(t.topic));
    if (still.length > 0) throw new RnnStreamError(`cannot create topic(s) ${still.map((t) => t.topic).join(', ')}`, { cause, retriable: true });
  }
}

/** The number of partitions of `topic`, from the cluster's metadata. */
export async function topicPartitionCount(admin: KafkaAdmin, topic: string): Promise<number> {
  const count = await admin.partitionCount(topic);
  if (count < 1) throw new RnnStreamError(`topic ${topic} has no partitions in the cluster metadata`);
  return count;
}
