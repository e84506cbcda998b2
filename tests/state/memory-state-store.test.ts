import { describe, expect, it } from 'vitest';
import { StateCorruptError } from '../../src/errors/state-corrupt-error.js';
import { StateStoreError } from '../../src/errors/state-store-error.js';
import { MemoryStateStore } from '../../src/state/memory-state-store.js';
import { batch, describeStateStoreContract, sampleState } from './state-store-contract.js';

describeStateStoreContract('MemoryStateStore', async () => ({ store: new MemoryStateStore(), cleanup: async () => undefined }));

describe('MemoryStateStore', () => {
  const p0 = { topic: 'ticks', partition: 0 };

  it('refuses a non-finite state and leaves the partition as it was', async () => {
    const store = new MemoryStateStore();
    const bad = new Map([['AAPL', sampleState(1, 0)], ['MSFT', { ...sampleState(2, 0), hidden: Float32Array.from([NaN]) }]]);
    await expect(store.applyBatch({ ...batch(p0, -1, 0, []), states: bad })).rejects.toBeInstanceOf(StateCorruptError);
    expect(await store.loadPartition(p0)).toEqual({ watermark: -1, states: new Map(), outbox: null });
  });

  it('answers ping while open and fails every operation once closed', async () => {
    const store = new MemoryStateStore();
    await store.ping();
    await store.close();
    await expect(store.ping()).rejects.toBeInstanceOf(StateStoreError);
    await expect(store.loadPartition(p0)).rejects.toThrow(/closed/);
  });
});
