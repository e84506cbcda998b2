import type { Admin } from 'kafkajs';
import { createTopicsReady } from './create-topics-ready.js';
import type { KafkaAdmin, PartitionOffsets, TopicSpec } from './kafka-client.js';

/** {@link KafkaAdmin} on a kafkajs admin client. */
export class KafkajsAdmin implements KafkaAdmin {
  private readonly admin: Admin;

  constructor(admin: Admin) {
    this.admin = admin;
  }

  connect(): Promise<void> {
    return this.admin.connect();
  }

  disconnect(): Promise<void> {
    return this.admin.disconnect();
  }

  listTopics(): Promise<string[]> {
    return this.admin.listTopics();
  }

  async createTopics(topics: readonly TopicSpec[]): Promise<void> {
    await createTopicsReady(this.admin, topics);
  }

  async partitionCount(topic: string): Promise<number> {
    const { topics } = await this.admin.fetchTopicMetadata({ topics: [topic] });
    return topics.find((t) => t.name === topic)?.partitions.length ?? 0;
  }

  async brokerCount(): Promise<number> {
    return (await this.admin.describeCluster()).brokers.length;
  }

  async topicOffsets(topic: string): Promise<readonly PartitionOffsets[]> {
    return (await this.admin.fetchTopicOffsets(topic)).map(({ partition, low, high }) => ({ partition, low, high }));
  }

  async committedOffsets(groupId: string, topic: string): Promise<readonly { partition: number; offset: string }[]> {
    const topics = await this.admin.fetchOffsets({ groupId, topics: [topic] });
    return topics.find((t) => t.topic === topic)?.partitions.map(({ partition, offset }) => ({ partition, offset })) ?? [];
  }
}
