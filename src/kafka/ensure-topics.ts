import type { Admin } from 'kafkajs';
import { RnnStreamError } from '../errors/index.js';

/** A topic the service needs, and how to create it when missing. */
export interface TopicSpec {
  readonly topic: string;
  readonly numPartitions: number;
  readonly replicationFactor: number;
}

/**
 * Creates the missing topics among `topics` (waiting for their leaders) when `create` is true;
 * otherwise a missing topic is an error naming it. Existing topics are left as they are.
 */
export async function ensureTopics(admin: Admin, topics: readonly TopicSpec[], create: boolean): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t.topic));
  if (missing.length === 0) return;
  if (!create) {
    throw new RnnStreamError(`topic(s) ${missing.map((t) => t.topic).join(', ')} do not exist and kafka.topics.create is false`);
  }
  try {
    await admin.createTopics({ topics: missing.map((t) => ({ ...t })), waitForLeaders: true });
  } catch (cause) {
    // Another instance may have created them in between: only a still-missing topic is an error.
    const now = new Set(await admin.listTopics());
    const still = missing.filter((t) => !now.has(t.topic));
    if (still.length > 0) throw new RnnStreamError(`cannot create topic(s) ${still.map((t) => t.topic).join(', ')}`, { cause, retriable: true });
  }
}

/** The number of partitions of `topic`, from the cluster's metadata. */
export async function topicPartitionCount(admin: Admin, topic: string): Promise<number> {
  const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
  const count = topics.find((t) => t.name === topic)?.partitions.length ?? 0;
  if (count < 1) throw new RnnStreamError(`topic ${topic} has no partitions in the cluster metadata`);
  return count;
}
