import { describe, expect, it } from 'vitest';
import { StateStoreError } from '../../src/errors/state-store-error.js';
import { BackgroundWrites } from '../../src/stream/background-writes.js';
import { makeBatch, OUT, startHarness, TOPIC, vec, type Harness } from './pipeline-harness.js';

/** `n` vector events over 3 keys starting at input offset `from` (ts follows the offset). */
function lines(from: number, n: number): string[] {
  return Array.from({ length: n }, (_, i) => vec(`k${(from + i) % 3}`, 1_000 + from + i, [Math.sin(from + i), (from + i) % 4, 0.5]));
}

/** Lets every pending promise callback and timer of the current turn run. */
const settleTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function gated(h: Harness): () => void {
  let open!: () => void;
  h.sink.gate = new Promise<void>((resolve) => (open = resolve));
  return () => {
    h.sink.gate = null;
    open();
  };
}

const sources = (h: Harness): string[] => h.sink.records(OUT).map((r) => (JSON.parse(String(r.value)) as { source: { offset: string } }).source.offset);

describe('streamPipeline with write-behind (pipeline.writeBehind)', () => {
  it('settles a computed batch before its predictions are produced, and commits its offset only once they are', async () => {
    const h = startHarness({ background: new BackgroundWrites() });
    const open = gated(h);
    const b1 = makeBatch(0, 0, lines(0, 5));
    const outcome = await h.feed(b1);
    expect(outcome.status).toBe('committed');
    expect(b1.readAheads).toEqual(['4']);
    expect(b1.commits).toEqual([]);
    expect(h.sink.records(OUT)).toHaveLength(0);
    open();
    await outcome.written;
    expect(sources(h)).toEqual(['0', '1', '2', '3', '4']);
    expect(b1.commits).toEqual(['4']);
    // Nothing else of the partition was waiting: the outbox was marked produced.
    expect((await h.store.loadPartition({ topic: TOPIC, partition: 0 })).outbox).toBeNull();
  });

  it("writes the partition's next batch while the previous one is produced, its outbox carrying both, and produces in offset order", async () => {
    const h = startHarness({ background: new BackgroundWrites() });
    const open = gated(h);
    const b1 = makeBatch(0, 0, lines(0, 4));
    await h.feed(b1);
    const b2 = makeBatch(0, 4, lines(4, 4));
    const o2 = await h.feed(b2);
    expect(o2.status).toBe('committed');
    await settleTurn();
    // b1's produce is held: b2 was computed and written meanwhile; the outbox holds both batches.
    expect(h.sink.records(OUT)).toHaveLength(0);
    const written = await h.store.loadPartition({ topic: TOPIC, partition: 0 });
    expect(written.watermark).toBe(7);
    expect(written.outbox?.messages.map((m) => (JSON.parse(String(m.value)) as { source: { offset: string } }).source.offset)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7']);
    // A third batch waits for room: two jobs are pending.
    const b3 = makeBatch(0, 8, lines(8, 2));
    let b3Settled = false;
    const third = h.feed(b3).then((o) => {
      b3Settled = true;
      return o;
    });
    await settleTurn();
    expect(b3Settled).toBe(false);
    open();
    await (await third).written;
    expect(sources(h)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(b1.commits).toEqual(['3']);
    expect(b2.commits).toEqual(['7']);
    expect(b3.commits).toEqual(['9']);
    expect(h.sink.maxActive).toBe(1);
    // Same bytes and states as without write-behind.
    const reference = startHarness();
    for (const [from, n] of [[0, 4], [4, 4], [8, 2]]) await reference.feed(makeBatch(0, from, lines(from, n)));
    expect(h.sink.records(OUT).map((r) => String(r.value))).toEqual(reference.sink.records(OUT).map((r) => String(r.value)));
    const [a, b] = await Promise.all([h.store, reference.store].map((st) => st.loadPartition({ topic: TOPIC, partition: 0 })));
    expect(a.watermark).toBe(9);
    expect(a.outbox).toBeNull();
    expect([...a.states.keys()].sort()).toEqual([...b.states.keys()].sort());
    for (const [key, state] of b.states) expect(a.states.get(key)?.hidden).toEqual(state.hidden);
  });

  it("does not advance the partition's next batch before the previous write has read its states", async () => {
    const h = startHarness({ background: new BackgroundWrites() });
    const steps: number[][] = [];
    const applyBatch = h.store.applyBatch.bind(h.store);
    h.store.applyBatch = (write) => {
      steps.push([...write.states.values()].map((st) => st.step).sort());
      return applyBatch(write);
    };
    // b1 has a dead letter, produced before its write: the held produce delays the write.
    const open = gated(h);
    await h.feed(makeBatch(0, 0, [...lines(0, 3), { key: 'k0', value: 'not json' }]));
    const second = h.feed(makeBatch(0, 4, lines(4, 3)));
    await settleTurn();
    open();
    await (await second).written;
    // Each write stored the states as they were after its own batch: one event per key, then two.
    expect(steps).toEqual([
      [1, 1, 1],
      [2, 2, 2],
    ]);
  });

  it('marks the outbox produced only from the latest job (a later write replaces it)', async () => {
    const h = startHarness({ background: new BackgroundWrites() });
    const marks: number[] = [];
    const markProduced = h.store.markProduced.bind(h.store);
    h.store.markProduced = async (ref, watermark) => {
      marks.push(watermark);
      await markProduced(ref, watermark);
    };
    const open = gated(h);
    await h.feed(makeBatch(0, 0, lines(0, 3)));
    const o2 = await h.feed(makeBatch(0, 3, lines(3, 3)));
    open();
    await o2.written;
    expect(marks).toEqual([5]);
    expect((await h.store.loadPartition({ topic: TOPIC, partition: 0 })).outbox).toBeNull();
  });

  it('a failed publish stops the partition: state dropped, source rewound with the error, later jobs do nothing; a refetch re-produces the outbox', async () => {
    const h = startHarness({ background: new BackgroundWrites() });
    const open = gated(h);
    const failure = new Error('broker gone');
    h.sink.failNext = failure;
    const b1 = makeBatch(0, 0, lines(0, 4));
    await h.feed(b1);
    const b2 = makeBatch(0, 4, lines(4, 4));
    await h.feed(b2);
    // A third batch, computed while two jobs are pending, waits for room.
    const late = makeBatch(0, 8, lines(8, 2));
    const third = h.feed(late);
    await settleTurn();
    open();
    const o3late = await third;
    await o3late.written;
    expect(b1.rewinds).toEqual([{ offset: '0', error: failure }]);
    expect(b2.rewinds).toEqual([]);
    expect(b1.commits).toEqual([]);
    expect(b2.commits).toEqual([]);
    expect(h.sink.records(OUT)).toHaveLength(0);
    // It was computed on the state the failure dropped: not written.
    expect(o3late.status).toBe('stale');
    expect(late.readAheads).toEqual([]);
    expect(h.table.get(TOPIC, 0)).toBeUndefined();
    // Both batches were written (b2's outbox carries b1's predictions); none produced.
    const stored = await h.store.loadPartition({ topic: TOPIC, partition: 0 });
    expect(stored.watermark).toBe(7);
    expect(stored.outbox?.messages).toHaveLength(8);
    // The source fetches again from offset 0: the claim re-produces the outbox and skips what was applied.
    const again = makeBatch(0, 0, [...lines(0, 4), ...lines(4, 4), ...lines(8, 2)]);
    const o3 = await h.feed(again);
    await o3.written;
    expect(o3.duplicates).toBe(8);
    expect(sources(h)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(again.commits).toEqual(['9']);
  });

  it('a failed state write rewinds the source to the batch and stores nothing of it', async () => {
    const h = startHarness({ background: new BackgroundWrites() });
    await (await h.feed(makeBatch(0, 0, lines(0, 2)))).written;
    const applyBatch = h.store.applyBatch.bind(h.store);
    const lost = new StateStoreError('connection lost', { op: 'apply', topic: TOPIC, partition: 0 }, { retriable: true });
    h.store.applyBatch = async () => {
      h.store.applyBatch = applyBatch;
      throw lost;
    };
    const b2 = makeBatch(0, 2, lines(2, 3));
    await (await h.feed(b2)).written;
    expect(b2.rewinds).toEqual([{ offset: '2', error: lost }]);
    expect(b2.commits).toEqual([]);
    expect((await h.store.loadPartition({ topic: TOPIC, partition: 0 })).watermark).toBe(1);
    expect(sources(h)).toEqual(['0', '1']);
  });

  it('a fenced write rewinds the source without an error and publishes nothing', async () => {
    const h = startHarness({ background: new BackgroundWrites() });
    await (await h.feed(makeBatch(0, 0, lines(0, 2)))).written;
    // Another owner wrote the partition meanwhile.
    const other = startHarness({ store: h.store });
    await other.feed(makeBatch(0, 2, lines(2, 3)));
    const b = makeBatch(0, 2, lines(2, 2));
    await (await h.feed(b)).written;
    expect(b.rewinds).toEqual([{ offset: '2', error: null }]);
    expect(b.commits).toEqual([]);
    expect(sources(h)).toEqual(['0', '1']);
    expect(h.table.get(TOPIC, 0)).toBeUndefined();
  });
});
