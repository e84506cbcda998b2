import type { Consumer, ConsumerRunConfig, EachBatchPayload } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { RnnStreamError } from '../../src/errors/index.js';
import { kafkaBatchSource } from '../../src/kafka/kafka-batch-source.js';
import type { StreamBatch } from '../../src/stream/stream-batch.js';

/** A consumer double: records run() options and lets the test emit events and call eachBatch. */
function fakeConsumer() {
  const listeners = new Map<string, (e: unknown) => void>();
  const seeks: unknown[] = [];
  let runConfig: ConsumerRunConfig | undefined;
  const consumer = {
    events: { GROUP_JOIN: 'consumer.group_join', CRASH: 'consumer.crash' },
    on: (name: string, fn: (e: unknown) => void) => {
      listeners.set(name, fn);
      return () => listeners.delete(name);
    },
    subscribe: async () => undefined,
    run: async (config: ConsumerRunConfig) => void (runConfig = config),
    seek: (s: unknown) => void seeks.push(s),
  } as unknown as Consumer;
  const resolved: string[] = [];
  const payload = (partition: number, offsets: string[]): EachBatchPayload =>
    ({
      batch: { topic: 't', partition, highWatermark: '100', messages: offsets.map((offset) => ({ key: null, value: null, offset, timestamp: '0', headers: {} })) },
      resolveOffset: (o: string) => void resolved.push(`${partition}:${o}`),
      heartbeat: async () => undefined,
      isStale: () => false,
      isRunning: () => true,
    }) as unknown as EachBatchPayload;
  return {
    consumer,
    seeks,
    resolved,
    payload,
    run: () => runConfig!,
    emit: (name: string, e: unknown) => listeners.get(name)?.(e),
    listening: (name: string) => listeners.has(name),
  };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('kafkaBatchSource', () => {
  it('runs without auto-resolve and with the configured partition concurrency', async () => {
    const f = fakeConsumer();
    const sub = kafkaBatchSource({ consumer: f.consumer, topic: 't', fromBeginning: true, partitionsConsumedConcurrently: 3 }).subscribe();
    await tick();
    expect(f.run()).toMatchObject({ autoCommit: true, eachBatchAutoResolve: false, partitionsConsumedConcurrently: 3 });
    sub.unsubscribe();
  });

  it('holds kafkajs in eachBatch until the pipeline settles the batch (backpressure)', async () => {
    const f = fakeConsumer();
    const batches: StreamBatch[] = [];
    const sub = kafkaBatchSource({ consumer: f.consumer, topic: 't', fromBeginning: true, partitionsConsumedConcurrently: 1 }).subscribe((b) => batches.push(b));
    await tick();
    let returned = false;
    const running = f.run().eachBatch!(f.payload(2, ['7', '8'])).then(() => (returned = true));
    await tick();
    expect(batches).toHaveLength(1);
    expect(returned).toBe(false);
    batches[0].control.commit('8');
    batches[0].control.seek('9');
    batches[0].control.settle({ topic: 't', partition: 2, status: 'committed', applied: 2, rejected: 0, duplicates: 0 });
    await running;
    expect(returned).toBe(true);
    expect(f.resolved).toEqual(['2:8']);
    expect(f.seeks).toEqual([{ topic: 't', partition: 2, offset: '9' }]);
    expect(() => batches[0].control.settle({ topic: 't', partition: 2, status: 'committed', applied: 0, rejected: 0, duplicates: 0 })).toThrow(/settled twice/);
    sub.unsubscribe();
  });

  it('throws a retriable failure back to kafkajs and keeps the stream alive', async () => {
    const f = fakeConsumer();
    const errors: unknown[] = [];
    const sub = kafkaBatchSource({ consumer: f.consumer, topic: 't', fromBeginning: true, partitionsConsumedConcurrently: 1 }).subscribe({
      next: (b) => b.control.settle({ topic: 't', partition: 0, status: 'failed', applied: 0, rejected: 0, duplicates: 0, error: new RnnStreamError('redis down', { retriable: true }) }),
      error: (e: unknown) => errors.push(e),
    });
    await tick();
    await expect(f.run().eachBatch!(f.payload(0, ['1']))).rejects.toThrow('redis down');
    expect(errors).toEqual([]);
    sub.unsubscribe();
  });

  it('errors the stream on a non-retriable failure', async () => {
    const f = fakeConsumer();
    const errors: unknown[] = [];
    const sub = kafkaBatchSource({ consumer: f.consumer, topic: 't', fromBeginning: true, partitionsConsumedConcurrently: 1 }).subscribe({
      next: (b) => b.control.settle({ topic: 't', partition: 0, status: 'failed', applied: 0, rejected: 0, duplicates: 0, error: new TypeError('bug') }),
      error: (e: unknown) => errors.push(e),
    });
    await tick();
    await expect(f.run().eachBatch!(f.payload(0, ['1']))).rejects.toThrow('bug');
    expect(errors).toHaveLength(1);
    sub.unsubscribe();
  });

  it('reports the assigned partitions of its topic on every group join', async () => {
    const f = fakeConsumer();
    const seen: (readonly number[])[] = [];
    const sub = kafkaBatchSource({ consumer: f.consumer, topic: 't', fromBeginning: true, partitionsConsumedConcurrently: 1, onAssignment: (p) => seen.push(p) }).subscribe();
    f.emit('consumer.group_join', { payload: { memberAssignment: { t: [0, 2], other: [1] } } });
    f.emit('consumer.group_join', { payload: { memberAssignment: {} } });
    expect(seen).toEqual([[0, 2], []]);
    sub.unsubscribe();
    expect(f.listening('consumer.group_join')).toBe(false);
  });

  it('releases a waiting eachBatch as stale when unsubscribed, so the consumer can stop', async () => {
    const f = fakeConsumer();
    const sub = kafkaBatchSource({ consumer: f.consumer, topic: 't', fromBeginning: true, partitionsConsumedConcurrently: 1 }).subscribe();
    await tick();
    const running = f.run().eachBatch!(f.payload(0, ['1']));
    sub.unsubscribe();
    await expect(running).resolves.toBeUndefined();
    expect(f.resolved).toEqual([]);
  });
});
