// The produce path of kafkajs as patched (patches/kafkajs+2.2.4.patch: pooled encoder buffers,
// linear grouping per partition, timestamps by numeric min/max) against a real broker, which
// checks every batch's CRC and layout: what is consumed back is exactly what was sent, in order,
// in the partition the key hashes to (the project's own murmur2, not kafkajs').
import { Kafka, Partitioners, logLevel, type IHeaders } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTopicsReady } from '../../src/kafka/create-topics-ready.js';
import { partitionForKey } from '../../src/kafka/partition-for-key.js';
import { integrationServices, skipIntegration, uniqueName, type IntegrationServices } from './services.js';

interface Sent {
  key: string;
  value: string;
  timestamp?: string;
  headers?: IHeaders;
}

describe.skipIf(skipIntegration)('kafkajs produce path as patched, on a real broker', () => {
  let services: IntegrationServices;
  let kafka: Kafka;
  const topic = uniqueName('it-produce');

  beforeAll(async () => {
    services = await integrationServices();
    kafka = new Kafka({ clientId: 'rnn-stream-it-produce', brokers: services.kafkaBrokers, logLevel: logLevel.WARN });
    const admin = kafka.admin();
    await admin.connect();
    try {
      await createTopicsReady(admin, [{ topic, numPartitions: 3 }]);
    } finally {
      await admin.disconnect();
    }
  });

  afterAll(async () => {
    const admin = kafka?.admin();
    await admin?.connect();
    await admin?.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin?.disconnect();
    await services?.stop();
  });

  it('delivers every message of large sends byte for byte, with its timestamp and headers', async () => {
    // Timestamps of different digit counts in one send ('999' sorts after '1000' as strings),
    // some messages without one, values from empty to several KiB (past one pooled slab).
    const sent: Sent[] = Array.from({ length: 6_000 }, (_, i) => ({
      key: `key-${i % 97}`,
      value: `${i}:` + 'x'.repeat((i * 131) % 5_000),
      ...(i % 5 === 0 ? {} : { timestamp: String(i % 3 === 0 ? 999 + i : 1_700_000_000_000 + i) }),
      ...(i % 7 === 0 ? { headers: { n: String(i), twice: ['a', Buffer.from([0, 255])] } } : {}),
    }));
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const before = Date.now();
    try {
      for (let i = 0; i < sent.length; i += 300) await producer.send({ topic, acks: -1, messages: sent.slice(i, i + 300) });
    } finally {
      await producer.disconnect();
    }
    const after = Date.now();

    const received: { partition: number; key: string; value: string; timestamp: string; headers: IHeaders }[] = [];
    const consumer = kafka.consumer({ groupId: uniqueName('it-produce-group') });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        consumer.run({
          eachMessage: async ({ partition, message }) => {
            received.push({ partition, key: String(message.key), value: String(message.value), timestamp: message.timestamp, headers: message.headers ?? {} });
            if (received.length === sent.length) resolve();
          },
        }).catch(reject);
      });
    } finally {
      await consumer.disconnect();
    }

    const byValue = new Map(received.map((r) => [r.value, r]));
    expect(byValue.size).toBe(sent.length);
    for (const s of sent) {
      const r = byValue.get(s.value)!;
      expect(r.key).toBe(s.key);
      expect(r.partition).toBe(partitionForKey(s.key, 3));
      if (s.timestamp === undefined) {
        expect(Number(r.timestamp)).toBeGreaterThanOrEqual(before);
        expect(Number(r.timestamp)).toBeLessThanOrEqual(after);
      } else {
        expect(r.timestamp).toBe(s.timestamp);
      }
      if (s.headers === undefined) {
        expect(r.headers).toEqual({});
      } else {
        expect(String(r.headers.n)).toBe(s.headers.n);
        expect((r.headers.twice as Buffer[]).map((b) => b.toString('hex'))).toEqual(['61', '00ff']);
      }
    }
    // Per key, the order of sending.
    for (const key of new Set(sent.map((s) => s.key))) {
      const order = (list: readonly { key: string; value: string }[]) => list.filter((m) => m.key === key).map((m) => m.value);
      expect(order(received)).toEqual(order(sent));
    }
  });
});
