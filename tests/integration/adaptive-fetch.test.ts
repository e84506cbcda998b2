import { Kafka, logLevel, type Admin, type Consumer, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTopicsReady } from '../../src/kafka/create-topics-ready.js';
import { FetchSizer } from '../../src/kafka/fetch-sizer.js';
import { kafkaBatchSource } from '../../src/kafka/kafka-batch-source.js';
import { integrationServices, skipIntegration, uniqueName, type IntegrationServices } from './services.js';

const SENDS = 40;
const PER_SEND = 10;
const TOTAL = SENDS * PER_SEND;
/** Per-partition limit without sizing: about 7 of the ~1.1 KiB record batches below. */
const CEILING = 8 * 1024;
/** What the sizer asks for with 10 events per fetch of ~110 bytes: 1,100 bytes, one 4 KiB granule. */
const SIZED = 4096;
/**
 * Most messages a fetch limited to SIZED bytes can bring: the broker fills the limit with whole
 * record batches of 10 records (each over 1,000 bytes: 10 values of 100 bytes), so at most 4.
 */
const MOST_SIZED = 40;

/** Messages per delivered batch, until all TOTAL arrived, with an optional sizer. */
async function consume(kafka: Kafka, topic: string, sizer?: FetchSizer): Promise<{ sizes: number[]; offsets: string[]; limits: number[] }> {
  const consumer: Consumer = kafka.consumer({ groupId: uniqueName('adaptive-fetch'), maxBytesPerPartition: CEILING, maxWaitTimeInMs: 100, sessionTimeout: 10_000 });
  await consumer.connect();
  const sizes: number[] = [];
  const offsets: string[] = [];
  const limits: number[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const sub = kafkaBatchSource({
        consumer,
        topic,
        fromBeginning: true,
        partitionsConsumedConcurrently: 1,
        fetchSizer: sizer,
        maxBytes: 10 * 1024 * 1024,
        onFetchLimit: (bytes) => limits.push(bytes),
      }).subscribe({
        next: (batch) => {
          let last = '';
          let n = 0;
          for (const m of batch.messages) {
            offsets.push(m.offset);
            last = m.offset;
            n++;
          }
          sizes.push(n);
          batch.control.commit(last);
          batch.control.settle({ topic: batch.topic, partition: batch.partition, status: 'committed', applied: n, rejected: 0, duplicates: 0 });
          if (offsets.length >= TOTAL) {
            sub.unsubscribe();
            resolve();
          }
        },
        error: reject,
      });
    });
  } finally {
    await consumer.stop();
    await consumer.disconnect();
  }
  return { sizes, offsets, limits };
}

describe.skipIf(skipIntegration)('fetch sizes follow the model cost (real broker)', () => {
  let services: IntegrationServices;
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  const topic = uniqueName('adaptive-fetch');

  beforeAll(async () => {
    services = await integrationServices();
    kafka = new Kafka({ clientId: 'adaptive-fetch-test', brokers: services.kafkaBrokers, logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    await admin.connect();
    await createTopicsReady(admin, [{ topic, numPartitions: 1 }]);
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    // One record batch per send: 40 batches of 10 records with 100-byte values.
    for (let s = 0; s < SENDS; s++) {
      const messages = Array.from({ length: PER_SEND }, (_, i) => ({ key: 'k', value: String(s * PER_SEND + i).padStart(100, '0') }));
      await producer.send({ topic, messages });
    }
  }, 60_000);

  afterAll(async () => {
    await producer?.disconnect();
    await admin?.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin?.disconnect();
    await services?.stop();
  });

  it('a slow model gets smaller fetches from the running consumer, and every message still arrives once, in order', async () => {
    const fixed = await consume(kafka, topic);
    // A model that affords 10 events per fetch: the limit drops to one 4 KiB granule after the first batch.
    const sized = await consume(kafka, topic, new FetchSizer({ eventsPerFetch: () => 10, floorBytes: 1024, ceilingBytes: CEILING }));

    const expected = Array.from({ length: TOTAL }, (_, i) => String(i));
    expect(fixed.offsets).toEqual(expected);
    expect(sized.offsets).toEqual(expected);

    // Without sizing, fetches of the 8 KiB ceiling bring more than a 4 KiB fetch can.
    expect(Math.max(...fixed.sizes)).toBeGreaterThan(MOST_SIZED);
    expect(fixed.limits).toEqual([]);
    // With it, the first fetch (before any record size is known) is the ceiling's, every later one at most 4 KiB's.
    expect(sized.limits).toEqual([SIZED]);
    expect(Math.max(...sized.sizes.slice(1))).toBeLessThanOrEqual(MOST_SIZED);
    expect(sized.sizes.length).toBeGreaterThan(fixed.sizes.length);
  }, 120_000);
});
