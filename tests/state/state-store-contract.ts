/**
 * The behaviour every StateStore must have, as one suite run against each implementation
 * (tests/state/memory-state-store.test.ts, tests/integration/redis-state-store.test.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateFencedError } from '../../src/errors/state-fenced-error.js';
import type { KeyState } from '../../src/state/key-state.js';
import type { BatchWrite, OutboxMessage, PartitionRef, StateStore } from '../../src/state/state-store.js';

/** A store for one test, and how to remove what the test wrote. */
export interface StoreUnderTest {
  readonly store: StateStore;
  cleanup(): Promise<void>;
}

/** A deterministic state whose every number depends on `seed`. */
export function sampleState(seed: number, lastOffset: number, hiddenSize = 8): KeyState {
  const hidden = new Float32Array(hiddenSize);
  for (let i = 0; i < hiddenSize; i++) hidden[i] = Math.fround(Math.sin(seed * 31 + i) * 0.9);
  return {
    hidden,
    memory: Float64Array.from([100 + seed / 7, 1_764_167_400_000 + seed, 1, seed / 1000, seed, 1e-6 * seed]),
    step: seed + 1,
    modelVersion: 'gru-v1',
    lastOffset,
  };
}

function message(key: string, offset: number): OutboxMessage {
  return {
    key,
    value: Buffer.from(JSON.stringify({ key, offset, output: [offset / 3] })),
    headers: { 'rnn-source-topic': 'ticks', 'rnn-source-offset': String(offset), 'é': 'ü' },
  };
}

/** A batch over `keys` covering offsets (expected, watermark]. */
export function batch(partition: PartitionRef, expected: number, watermark: number, keys: string[]): BatchWrite {
  const states = new Map<string, KeyState>();
  keys.forEach((key, i) => states.set(key, sampleState(watermark * 1000 + i, watermark)));
  return { partition, expectedWatermark: expected, watermark, states, outbox: keys.map((k, i) => message(k, expected + 1 + i)) };
}

function bytes(state: KeyState): Uint8Array[] {
  return [new Uint8Array(state.hidden.buffer, state.hidden.byteOffset, state.hidden.byteLength), new Uint8Array(state.memory.buffer, state.memory.byteOffset, state.memory.byteLength)];
}

/** Asserts `actual` holds exactly the numbers and bytes of `expected`. */
export function expectSameState(actual: KeyState | null | undefined, expected: KeyState): void {
  expect(actual).toBeTruthy();
  const a = actual as KeyState;
  expect(bytes(a)).toEqual(bytes(expected));
  expect({ step: a.step, modelVersion: a.modelVersion, lastOffset: a.lastOffset }).toEqual({
    step: expected.step,
    modelVersion: expected.modelVersion,
    lastOffset: expected.lastOffset,
  });
}

/** Registers the StateStore contract suite for one implementation. */
export function describeStateStoreContract(name: string, create: () => Promise<StoreUnderTest>): void {
  describe(`${name} (StateStore contract)`, () => {
    let sut: StoreUnderTest;
    let store: StateStore;
    const p7: PartitionRef = { topic: 'ticks', partition: 7 };

    beforeEach(async () => {
      sut = await create();
      store = sut.store;
    });
    afterEach(async () => {
      await sut.cleanup();
    });

    it('writes shadow models\' states to their own hashes in the same fenced write, and reads them back apart', async () => {
      const shadowA = new Map([['AAPL', { ...sampleState(1, 3), modelVersion: 'shadow-a' }]]);
      const shadowB = new Map([['AAPL', { ...sampleState(2, 3), modelVersion: 'shadow-b' }], ['MSFT', { ...sampleState(3, 3), modelVersion: 'shadow-b' }]]);
      await store.applyBatch({ ...batch(p7, -1, 3, ['AAPL', 'MSFT']), shadows: new Map([['shadow-a', shadowA], ['shadow-b', shadowB]]) });
      expect((await store.loadPartition(p7)).states.get('AAPL')?.modelVersion).toBe('gru-v1');
      const a = await store.loadShadow(p7, 'shadow-a');
      expect([...a.keys()]).toEqual(['AAPL']);
      expectSameState(a.get('AAPL'), shadowA.get('AAPL')!);
      const b = await store.loadShadow(p7, 'shadow-b');
      expectSameState(b.get('MSFT'), shadowB.get('MSFT')!);
      expect((await store.loadShadow(p7, 'shadow-c')).size).toBe(0);
      // A fenced write writes no shadow state either.
      const stale = new Map([['AAPL', { ...sampleState(9, 5), modelVersion: 'shadow-a' }]]);
      await expect(store.applyBatch({ ...batch(p7, -1, 5, ['AAPL']), shadows: new Map([['shadow-a', stale]]) })).rejects.toBeInstanceOf(StateFencedError);
      expectSameState((await store.loadShadow(p7, 'shadow-a')).get('AAPL'), shadowA.get('AAPL')!);
    });

    it('loads an unknown partition as empty with watermark -1 and no outbox', async () => {
      expect(await store.loadPartition(p7)).toEqual({ watermark: -1, states: new Map(), outbox: null });
    });

    it('returns after apply exactly the bytes, steps, offsets and outbox written', async () => {
      const write = batch(p7, -1, 9, ['AAPL', 'MSFT', 'GOOG']);
      await store.applyBatch(write);
      const snapshot = await store.loadPartition(p7);
      expect(snapshot.watermark).toBe(9);
      expect([...snapshot.states.keys()].sort()).toEqual(['AAPL', 'GOOG', 'MSFT']);
      for (const [key, state] of write.states) expectSameState(snapshot.states.get(key), state);
      // Keys and values come back byte for byte; headers are not stored (they are rebuilt from the value).
      expect(snapshot.outbox).toEqual({ watermark: 9, messages: write.outbox.map(({ key, value }) => ({ key, value })), deadLetters: [], produced: false });
    });

    it('keeps dead letters written with the outbox byte for byte until it is marked produced (exactly_once)', async () => {
      const deadLetters = [
        { key: Buffer.from([0, 1, 255]), value: null, headers: { 'rnn-stream-reason': 'malformed_json', dup: ['a', 'b'] } },
        { key: null, value: Buffer.from('{"p":-1}'), headers: { 'rnn-stream-source-offset': '8' } },
      ];
      const write = { ...batch(p7, -1, 9, ['AAPL']), outbox: [], deadLetters };
      await store.applyBatch(write);
      const snapshot = await store.loadPartition(p7);
      expect(snapshot.outbox?.messages).toEqual([]);
      const letters = snapshot.outbox?.deadLetters ?? [];
      expect(letters.map((l) => [l.key === null ? null : Buffer.from(l.key).toString('hex'), l.value?.toString() ?? null])).toEqual([
        ['0001ff', null],
        [null, '{"p":-1}'],
      ]);
      const text = (h: unknown): unknown => (Array.isArray(h) ? h.map(String) : String(h));
      expect(Object.fromEntries(Object.entries(letters[0].headers ?? {}).map(([k, v]) => [k, text(v)]))).toEqual({ 'rnn-stream-reason': 'malformed_json', dup: ['a', 'b'] });
      await store.markProduced(p7, 9);
      expect((await store.loadPartition(p7)).outbox).toBeNull();
    });

    it('keeps states of keys a later batch did not touch, and replaces those it did', async () => {
      const first = batch(p7, -1, 4, ['AAPL', 'MSFT']);
      const second = batch(p7, 4, 8, ['MSFT', 'IBM']);
      await store.applyBatch(first);
      await store.applyBatch(second);
      const { states, watermark } = await store.loadPartition(p7);
      expect(watermark).toBe(8);
      expectSameState(states.get('AAPL'), first.states.get('AAPL') as KeyState);
      expectSameState(states.get('MSFT'), second.states.get('MSFT') as KeyState);
      expectSameState(states.get('IBM'), second.states.get('IBM') as KeyState);
    });

    it('does not let callers alias stored states', async () => {
      const write = batch(p7, -1, 2, ['AAPL']);
      const original = sampleState(2000, 2);
      await store.applyBatch(write);
      (write.states.get('AAPL') as KeyState).hidden[0] = 42;
      const loaded = await store.loadPartition(p7);
      (loaded.states.get('AAPL') as KeyState).hidden[1] = 43;
      expectSameState(await store.readKey(p7, 'AAPL'), original);
    });

    it('rejects a stale expectedWatermark with StateFencedError and leaves everything untouched', async () => {
      const first = batch(p7, -1, 5, ['AAPL']);
      await store.applyBatch(first);
      const before = await store.loadPartition(p7);
      const stale = batch(p7, 3, 12, ['AAPL', 'MSFT']);
      const error = await store.applyBatch(stale).then(() => null, (e: unknown) => e);
      expect(error).toBeInstanceOf(StateFencedError);
      expect(error).toMatchObject({ topic: 'ticks', partition: 7, expected: 3, actual: 5, retriable: false });
      expect(await store.loadPartition(p7)).toEqual(before);
      expect(await store.readKey(p7, 'MSFT')).toBeNull();
    });

    it('fences a first write that expects progress the store does not have', async () => {
      const error = await store.applyBatch(batch(p7, 10, 20, ['AAPL'])).then(() => null, (e: unknown) => e);
      expect(error).toMatchObject({ name: 'StateFencedError', expected: 10, actual: -1 });
      expect(await store.loadPartition(p7)).toEqual({ watermark: -1, states: new Map(), outbox: null });
    });

    it('accepts a repeat of the batch that set the watermark without changing anything', async () => {
      const write = batch(p7, -1, 5, ['AAPL']);
      await store.applyBatch(write);
      await store.markProduced(p7, 5);
      await store.applyBatch(write);
      expect(await store.loadPartition(p7)).toMatchObject({ watermark: 5, outbox: null });
      const older = batch(p7, 5, 9, ['AAPL']);
      await store.applyBatch(older);
      await expect(store.applyBatch(write)).rejects.toBeInstanceOf(StateFencedError);
      const sameEndOtherStart = batch(p7, 6, 9, ['AAPL']);
      await expect(store.applyBatch(sameEndOtherStart)).rejects.toBeInstanceOf(StateFencedError);
    });

    it('refuses a batch that does not advance the watermark before touching the store', async () => {
      await expect(store.applyBatch(batch(p7, 4, 4, ['AAPL']))).rejects.toBeInstanceOf(RangeError);
      expect((await store.loadPartition(p7)).watermark).toBe(-1);
    });

    it('hides the outbox once marked produced, and ignores a mark for an older watermark', async () => {
      await store.applyBatch(batch(p7, -1, 3, ['AAPL']));
      await store.applyBatch(batch(p7, 3, 6, ['MSFT']));
      await store.markProduced(p7, 3);
      expect((await store.loadPartition(p7)).outbox).toMatchObject({ watermark: 6, produced: false });
      await store.markProduced(p7, 6);
      expect((await store.loadPartition(p7)).outbox).toBeNull();
    });

    it('has no outbox to re-produce after a batch without predictions', async () => {
      await store.applyBatch({ ...batch(p7, -1, 3, ['AAPL']), outbox: [] });
      const snapshot = await store.loadPartition(p7);
      expect(snapshot).toMatchObject({ watermark: 3, outbox: null });
      expect(snapshot.states.size).toBe(1);
    });

    it('advances the watermark for a batch of only invalid events (no states, no predictions)', async () => {
      await store.applyBatch({ partition: p7, expectedWatermark: -1, watermark: 4, states: new Map(), outbox: [] });
      expect(await store.loadPartition(p7)).toEqual({ watermark: 4, states: new Map(), outbox: null });
    });

    it('reads one key, null when absent', async () => {
      const write = batch(p7, -1, 1, ['AAPL', 'MSFT']);
      await store.applyBatch(write);
      expectSameState(await store.readKey(p7, 'MSFT'), write.states.get('MSFT') as KeyState);
      expect(await store.readKey(p7, 'IBM')).toBeNull();
    });

    it('keeps partitions and topics apart', async () => {
      const other: PartitionRef = { topic: 'ticks', partition: 8 };
      const otherTopic: PartitionRef = { topic: 'quotes', partition: 7 };
      const write = batch(p7, -1, 5, ['AAPL']);
      await store.applyBatch(write);
      await store.applyBatch(batch(other, -1, 2, ['AAPL']));
      expect(await store.readKey(otherTopic, 'AAPL')).toBeNull();
      expect((await store.loadPartition(other)).watermark).toBe(2);
      expectSameState(await store.readKey(p7, 'AAPL'), write.states.get('AAPL') as KeyState);
    });

    it('stores keys with any characters, braces and colons included', async () => {
      const keys = ['{ticks:7}', 'a:b', 'ünï cødé 🚀', ''];
      await store.applyBatch(batch(p7, -1, 1, keys));
      expect([...(await store.loadPartition(p7)).states.keys()].sort()).toEqual([...keys].sort());
    });
  });
}
