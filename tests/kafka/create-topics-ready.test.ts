import type { Admin, ITopicConfig } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createTopicsReady } from '../../src/kafka/create-topics-ready.js';

type Metadata = Awaited<ReturnType<Admin['fetchTopicMetadata']>>;

/** An admin whose metadata answers come from `answers`, one per call (the last one repeats). */
function adminAnswering(answers: readonly (Metadata | Error)[]): { admin: Admin; calls: () => number } {
  let calls = 0;
  const admin = {
    createTopics: () => Promise.resolve(true),
    fetchTopicMetadata: () => {
      const answer = answers[Math.min(calls, answers.length - 1)];
      calls += 1;
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    },
  } as unknown as Admin;
  return { admin, calls: () => calls };
}

function brokerError(type: string): Error {
  return Object.assign(new Error(`broker says ${type}`), { type });
}

function metadata(topic: string, leaders: readonly number[]): Metadata {
  return {
    topics: [{
      name: topic,
      partitions: leaders.map((leader, partitionId) => ({ partitionId, leader, partitionErrorCode: 0, replicas: [1], isr: [1], offlineReplicas: [] })),
    }],
  };
}

const spec: ITopicConfig[] = [{ topic: 't', numPartitions: 3 }];

describe('createTopicsReady', () => {
  it('waits through UNKNOWN_TOPIC_OR_PARTITION, missing partitions and leaderless ones', async () => {
    const { admin, calls } = adminAnswering([
      brokerError('UNKNOWN_TOPIC_OR_PARTITION'),
      metadata('t', [1]),
      metadata('t', [1, -1, 1]),
      metadata('t', [1, 1, 1]),
    ]);
    await expect(createTopicsReady(admin, spec)).resolves.toBe(true);
    expect(calls()).toBe(4);
  });

  it('passes on any other broker error at once', async () => {
    const { admin, calls } = adminAnswering([brokerError('TOPIC_AUTHORIZATION_FAILED')]);
    await expect(createTopicsReady(admin, spec)).rejects.toThrow(/TOPIC_AUTHORIZATION_FAILED/);
    expect(calls()).toBe(1);
  });

  it('gives up after the timeout with the last problem in the message', async () => {
    const { admin } = adminAnswering([metadata('t', [1, -1, 1])]);
    await expect(createTopicsReady(admin, spec, 250)).rejects.toThrow(/partition 1 has no leader/);
  });
});
