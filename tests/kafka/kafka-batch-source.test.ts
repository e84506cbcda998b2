import type { Consumer, ConsumerRunConfig, EachBatchPayload } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { RnnStreamError } from '../../src/errors/index.js';
import { kafkaBatchSource } from '../../src/kafka/kafka-batch-source.js';
import { OffsetCommitter, type PartitionCommit } from '../../src/kafka/offset-committer.js';
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
  const payloadCommits: unknown[] = [];
  const payload = (partition: number, offsets: string[], running = true): EachBatchPayload =>
    ({
      batch: { topic: 't', partition, highWatermark: '100', messages: offsets.map((offset) => ({ key: null, value: null, offset, timestamp: '0', headers: {} })) },
      resolveOffset: (o: string) => void resolved.push(`${partition}:${o}`),
      heartbeat: async () => undefined,
      isStale: () => false,
      isRunning: () => running,
      commitOffsetsIfNecessary: async (offsets?: unknown) => void payloadCommits.push(offsets),
    }) as unknown as EachBatchPayload;
  return {
    consumer,
    seeks,
    resolved,
    payloadCommits,
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

  it('write-behind: a rewind seeks the partition and fails its next batch with the error (retriable: kept alive; fatal: the stream errors)', async () => {
    const f = fakeConsumer();
    const errors: unknown[] = [];
    const batches: StreamBatch[] = [];
    const sub = kafkaBatchSource({ consumer: f.consumer, topic: 't', fromBeginning: true, partitionsConsumedConcurrently: 1 }).subscribe({
      next: (b) => {
        batches.push(b);
        b.control.settle({ topic: 't', partition: b.partition, status: 'committed', applied: 1, rejected: 0, duplicates: 0 });
      },
      error: (e: unknown) => errors.push(e),
    });
    await tick();
    await f.run().eachBatch!(f.payload(0, ['5']));
    batches[0].control.rewind!('5', new RnnStreamError('redis down', { retriable: true }));
    expect(f.seeks).toEqual([{ topic: 't', partition: 0, offset: '5' }]);
    // Another partition is not affected.
    await f.run().eachBatch!(f.payload(1, ['9']));
    await expect(f.run().eachBatch!(f.payload(0, ['5']))).rejects.toThrow('redis down');
    expect(batches).toHaveLength(2);
    // Thrown once: the batch fetched after that goes to the pipeline.
    await f.run().eachBatch!(f.payload(0, ['5']));
    expect(batches).toHaveLength(3);
    // A fenced rewind (no error) only seeks.
    batches[2].control.rewind!('5', null);
    await f.run().eachBatch!(f.payload(0, ['5']));
    expect(batches).toHaveLength(4);
    expect(errors).toEqual([]);
    batches[3].control.rewind!('5', new TypeError('bug'));
    await expect(f.run().eachBatch!(f.payload(0, ['5']))).rejects.toThrow('bug');
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

  describe('with an offset committer', () => {
    function committerOf() {
      const commits: PartitionCommit[][] = [];
      const committer = new OffsetCommitter({ intervalMs: 60_000, commit: async (o) => void commits.push([...o]), onError: () => undefined });
      return { committer, commits };
    }
    const settled = (partition: number, applied: number) => ({ topic: 't', partition, status: 'committed' as const, applied, rejected: 0, duplicates: 0 });

    it('turns off kafkajs commits after each batch and hands the committer what each batch handled', async () => {
      const f = fakeConsumer();
      const { committer, commits } = committerOf();
      const sub = kafkaBatchSource({ consumer: f.consumer, topic: 't', fromBeginning: true, partitionsConsumedConcurrently: 2, committer }).subscribe((b) => {
        b.control.commit(b.messages[b.messages.length - 1].offset);
        b.control.settle(settled(b.partition, b.messages.length));
      });
      await tick();
      expect(f.run()).toMatchObject({ autoCommit: false, eachBatchAutoResolve: false });
      await f.run().eachBatch!(f.payload(1, ['4', '5']));
      await f.run().eachBatch!(f.payload(0, ['8']));
      expect(f.resolved).toEqual(['1:5', '0:8']);
      expect(commits).toEqual([]);
      await committer.flush();
      expect(commits).toEqual([[{ partition: 1, offset: '6' }, { partition: 0, offset: '9' }]]);
      expect(f.payloadCommits).toEqual([]);
      sub.unsubscribe();
    });

    it('forgets a partition that is sought and keeps only the assigned ones after a group join', async () => {
      const f = fakeConsumer();
      const { committer, commits } = committerOf();
      const sub = kafkaBatchSource({ consumer: f.consumer, topic: 't', fromBeginning: true, partitionsConsumedConcurrently: 3, committer }).subscribe((b) => {
        b.control.commit(b.messages[0].offset);
        if (b.partition === 2) b.control.seek('0');
        b.control.settle(settled(b.partition, 1));
      });
      await tick();
      for (const p of [0, 1, 2]) await f.run().eachBatch!(f.payload(p, ['3']));
      f.emit('consumer.group_join', { payload: { memberAssignment: { t: [1, 2] } } });
      await committer.flush();
      expect(commits).toEqual([[{ partition: 1, offset: '4' }]]);
      sub.unsubscribe();
    });

    it('once stopping, commits what each finished batch handled through the batch, before kafkajs goes on', async () => {
      const f = fakeConsumer();
      const { committer, commits } = committerOf();
      const sub = kafkaBatchSource({ consumer: f.consumer, topic: 't', fromBeginning: true, partitionsConsumedConcurrently: 1, committer }).subscribe((b) => {
        b.control.commit(b.messages[0].offset);
        b.control.settle(settled(b.partition, 1));
      });
      await tick();
      await f.run().eachBatch!(f.payload(0, ['10']));
      expect(f.payloadCommits).toEqual([]);
      await committer.stop();
      expect(commits).toEqual([[{ partition: 0, offset: '11' }]]);
      await f.run().eachBatch!(f.payload(0, ['11']));
      expect(f.payloadCommits).toEqual([{ topics: [{ topic: 't', partitions: [{ partition: 0, offset: '12' }] }] }]);
      sub.unsubscribe();
    });

    it('commits through the batch when kafkajs is no longer running', async () => {
      const f = fakeConsumer();
      const { committer } = committerOf();
      const sub = kafkaBatchSource({ consumer: f.consumer, topic: 't', fromBeginning: true, partitionsConsumedConcurrently: 1, committer }).subscribe((b) => {
        b.control.commit(b.messages[0].offset);
        b.control.settle(settled(b.partition, 1));
      });
      await tick();
      await f.run().eachBatch!(f.payload(2, ['30'], false));
      expect(f.payloadCommits).toEqual([{ topics: [{ topic: 't', partitions: [{ partition: 2, offset: '31' }] }] }]);
      sub.unsubscribe();
    });

    it('write-behind: reads ahead at settle, commits once published (after settle), and not for an older assignment', async () => {
      const f = fakeConsumer();
      const { committer, commits } = committerOf();
      const batches: StreamBatch[] = [];
      const sub = kafkaBatchSource({ consumer: f.consumer, topic: 't', fromBeginning: true, partitionsConsumedConcurrently: 2, committer }).subscribe((b) => {
        batches.push(b);
        b.control.readAhead!(b.messages[b.messages.length - 1].offset);
        b.control.settle(settled(b.partition, b.messages.length));
      });
      await tick();
      await f.run().eachBatch!(f.payload(0, ['4', '5']));
      await f.run().eachBatch!(f.payload(1, ['7']));
      expect(f.resolved).toEqual(['0:5', '1:7']);
      await committer.flush();
      expect(commits).toEqual([]);
      // Published after eachBatch returned: committed, without moving kafkajs' position back.
      batches[0].control.commit('5');
      await committer.flush();
      expect(commits).toEqual([[{ partition: 0, offset: '6' }]]);
      expect(f.resolved).toEqual(['0:5', '1:7']);
      // A rebalance happened before partition 1's batch was published: its offset is not committed.
      f.emit('consumer.group_join', { payload: { memberAssignment: { t: [0, 1] } } });
      batches[1].control.commit('7');
      await committer.flush();
      expect(commits).toHaveLength(1);
      sub.unsubscribe();
    });

    it('write-behind: once stopping, a batch waits for its background writes before committing', async () => {
      const f = fakeConsumer();
      const { committer } = committerOf();
      let publish!: () => void;
      const written = new Promise<void>((resolve) => (publish = resolve));
      const batches: StreamBatch[] = [];
      const sub = kafkaBatchSource({ consumer: f.consumer, topic: 't', fromBeginning: true, partitionsConsumedConcurrently: 1, committer }).subscribe((b) => {
        batches.push(b);
        b.control.readAhead!('20');
        b.control.settle({ ...settled(b.partition, 1), written });
      });
      await tick();
      await committer.stop();
      let returned = false;
      const running = f.run().eachBatch!(f.payload(0, ['20'])).then(() => (returned = true));
      await tick();
      expect(returned).toBe(false);
      batches[0].control.commit('20');
      publish();
      await running;
      expect(f.payloadCommits).toEqual([{ topics: [{ topic: 't', partitions: [{ partition: 0, offset: '21' }] }] }]);
      sub.unsubscribe();
    });

    it('is not used when autoCommit is off (exactly_once commits in its transactions)', async () => {
      const f = fakeConsumer();
      const { committer, commits } = committerOf();
      const sub = kafkaBatchSource({ consumer: f.consumer, topic: 't', fromBeginning: true, partitionsConsumedConcurrently: 1, autoCommit: false, committer }).subscribe((b) => {
        b.control.commit(b.messages[0].offset);
        b.control.settle(settled(b.partition, 1));
      });
      await tick();
      expect(f.run()).toMatchObject({ autoCommit: false });
      await f.run().eachBatch!(f.payload(0, ['1'], false));
      await committer.flush();
      expect(commits).toEqual([]);
      expect(f.payloadCommits).toEqual([]);
      sub.unsubscribe();
    });
  });
});
