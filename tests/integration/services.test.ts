// Proves that the integration services answer: a real Kafka creates, lists, receives into and
// deletes a topic; a real Redis stores and returns a value. Skipped without services outside
// CI; under CI=true missing services fail here (see ./services.ts).
import { Redis } from 'ioredis';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { integrationServices, skipIntegration, uniqueName, type IntegrationServices } from './services.js';
import { createTopicsReady } from '../../src/kafka/create-topics-ready.js';

describe.skipIf(skipIntegration)('integration services', () => {
  let services: IntegrationServices;

  beforeAll(async () => {
    services = await integrationServices();
  });

  afterAll(async () => {
    await services?.stop();
  });

  it('Kafka creates, lists, accepts records into and deletes a topic', async () => {
    const kafka = new Kafka({
      clientId: 'rnn-stream-it-services',
      brokers: services.kafkaBrokers,
      logLevel: logLevel.WARN,
    });
    const admin = kafka.admin();
    const producer = kafka.producer({
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    const topic = uniqueName('it-services');
    await admin.connect();
    try {
      const created = await createTopicsReady(admin, [{ topic, numPartitions: 3, replicationFactor: 1 }]);
      expect(created).toBe(true);
      expect(await admin.listTopics()).toContain(topic);

      const [meta] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
      expect(meta.partitions).toHaveLength(3);

      await producer.connect();
      await producer.send({ topic, messages: [{ key: 'k', value: 'v', partition: 1 }] });
      const offsets = await admin.fetchTopicOffsets(topic);
      expect(offsets.find((o) => o.partition === 1)?.high).toBe('1');
    } finally {
      await producer.disconnect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  });

  it('Redis stores and returns a value', async () => {
    const redis = new Redis(services.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
    const prefix = `${uniqueName('it-services')}:`;
    await redis.connect();
    try {
      expect(await redis.ping()).toBe('PONG');
      await redis.set(`${prefix}a`, 'hello');
      await redis.hset(`${prefix}h`, { step: '7' });
      expect(await redis.get(`${prefix}a`)).toBe('hello');
      expect(await redis.hget(`${prefix}h`, 'step')).toBe('7');
    } finally {
      await redis.del(`${prefix}a`, `${prefix}h`);
      await redis.quit();
    }
  });
});
