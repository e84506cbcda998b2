import type { Admin, ITopicConfig } from 'kafkajs';
import { RnnStreamError } from '../errors/index.js';

/** Errors a broker answers while a topic it has just created is still being loaded. */
const NOT_READY_YET = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE']);

const POLL_MS = 100;

/**
 * Creates `topics` and waits until the metadata shows a leader for every partition of each.
 * kafkajs's own wait (`waitForLeaders`) retries only LEADER_NOT_AVAILABLE, but a KRaft broker
 * also answers UNKNOWN_TOPIC_OR_PARTITION for a moment after the creation, which kafkajs
 * surfaces as a failed creation. Returns false when every topic already existed.
 */
export async function createTopicsReady(admin: Admin, topics: readonly ITopicConfig[], timeoutMs = 30_000): Promise<boolean> {
  const created = await admin.createTopics({ topics: topics.map((t) => ({ ...t })), waitForLeaders: false, timeout: timeoutMs });
  await waitForLeaders(admin, topics, timeoutMs);
  return created;
}

async function waitForLeaders(admin: Admin, topics: readonly ITopicConfig[], timeoutMs: number): Promise<void> {
  const names = topics.map((t) => t.topic);
  const deadline = Date.now() + timeoutMs;
  let lastProblem = 'no metadata yet';
  for (;;) {
    try {
      const { topics: found } = await admin.fetchTopicMetadata({ topics: names });
      lastProblem = notReady(topics, found) ?? '';
      if (lastProblem === '') return;
    } catch (cause) {
      const type = (cause as { type?: unknown }).type;
      if (typeof type !== 'string' || !NOT_READY_YET.has(type)) throw cause;
      lastProblem = type;
    }
    if (Date.now() >= deadline) {
      throw new RnnStreamError(`topic(s) ${names.join(', ')} have no leader for every partition after ${timeoutMs} ms (${lastProblem})`, { retriable: true });
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

interface FoundTopic {
  name: string;
  partitions: readonly { partitionId: number; leader: number; partitionErrorCode: number }[];
}

/** What is still missing, or undefined when every requested partition has a leader. */
function notReady(wanted: readonly ITopicConfig[], found: readonly FoundTopic[]): string | undefined {
  for (const topic of wanted) {
    const meta = found.find((t) => t.name === topic.topic);
    if (meta === undefined) return `${topic.topic} not in the metadata`;
    const expected = topic.numPartitions ?? -1;
    if (expected > 0 && meta.partitions.length < expected) return `${topic.topic} has ${meta.partitions.length} of ${expected} partitions`;
    const leaderless = meta.partitions.find((p) => p.leader < 0 || p.partitionErrorCode !== 0);
    if (leaderless !== undefined) return `${topic.topic} partition ${leaderless.partitionId} has no leader`;
  }
  return undefined;
}
