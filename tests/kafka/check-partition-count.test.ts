import { describe, expect, it } from 'vitest';
import { RnnStreamError } from '../../src/errors/index.js';
import { checkPartitionCount, partitionCountRef } from '../../src/kafka/check-partition-count.js';
import { MemoryStateStore } from '../../src/state/memory-state-store.js';

describe('checkPartitionCount', () => {
  it('records the count the first time and accepts the same count afterwards', async () => {
    const store = new MemoryStateStore();
    await checkPartitionCount(store, 'ticks', 3);
    expect((await store.loadPartition(partitionCountRef('ticks'))).watermark).toBe(3);
    await expect(checkPartitionCount(store, 'ticks', 3)).resolves.toBeUndefined();
  });

  it('refuses to run when the input topic has another partition count than the state was built with', async () => {
    const store = new MemoryStateStore();
    await checkPartitionCount(store, 'ticks', 3);
    const err = await checkPartitionCount(store, 'ticks', 6).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RnnStreamError);
    expect((err as Error).message).toContain('input topic ticks has 6 partitions but its state was built with 3');
  });

  it('keeps the records of different topics apart', async () => {
    const store = new MemoryStateStore();
    await checkPartitionCount(store, 'a', 3);
    await expect(checkPartitionCount(store, 'b', 12)).resolves.toBeUndefined();
  });

  it('agrees with a concurrent instance that recorded the same count', async () => {
    const store = new MemoryStateStore();
    await Promise.all([checkPartitionCount(store, 'ticks', 3), checkPartitionCount(store, 'ticks', 3)]);
    expect((await store.loadPartition(partitionCountRef('ticks'))).watermark).toBe(3);
  });
});
