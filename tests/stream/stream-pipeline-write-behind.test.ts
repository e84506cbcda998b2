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

  it("computes the partition's next batch while the previous one is produced, then writes it in offset order", async () => {
    const h = startHarness({ background: new BackgroundWrites() });
    const open = gated(h);
    const b1 = makeBatch(0, 0, lines(0, 4));
    await h.feed(b1);
    const b2 = makeBatch(0, 4, lines(4, 4));
    let b2Settled = false;
    const second = h.feed(b2).then((o) => {
      b2Settled = true;
      return o;
    });
    await settleTurn();
    // b2 was computed (the model advanced its keys) but waits for b1's job before its own write.
    expect(b2Settled).toBe(false);
    expect((await h.store.loadPartition({ topic: TOPIC, partition: 0 })).watermark).toBe(3);
    open();
    const o2 = await second;
    await o2.written;
    expect(sources(h)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7']);
    expect(b1.commits).toEqual(['3']);
    expect(b2.commits).toEqual(['7']);
    expect(h.sink.maxActive).toBe(1);
    // Same bytes and states as without write-behind.
    const reference = startHarness();
    await reference.feed(makeBatch(0, 0, lines(0, 4)));
    await reference.feed(makeBatch(0, 4, lines(4, 4)));
    expect(h.sink.records(OUT).map((r) => String(r.value))).toEqual(reference.sink.records(OUT).map((r) => String(r.value)));
    const [a, b] = await Promise.all([h.store, reference.store].map((s) => s.loadPartition({ topic: TOPIC, partition: 0 })));
    expect(a.watermark).toBe(7);
    expect([...a.states.keys()].sort()).toEqual([...b.states.keys()].sort());
    for (const [key, state] of b.states) expect(a.states.get(key)?.hidden).toEqual(state.hidden);
  });

  it('leaves out the produced mark of a batch whose next batch is waiting to write (that write replaces the outbox)', async () => {
    const h = startHarness({ background: new BackgroundWrites() });
    const marks: number[] = [];
    const markProduced = h.store.markProduced.bind(h.store);
    h.store.markProduced = async (ref, watermark) => {
      marks.push(watermark);
      await markProduced(ref, watermark);
    };
    const open = gated(h);
    await h.feed(makeBatch(0, 0, lines(0, 3)));
    const second = h.feed(makeBatch(0, 3, lines(3, 3)));
    await settleTurn();
    open();
    await (await second).written;
    expect(marks).toEqual([5]);
  });

  it('a failed publish drops the partition, rewinds the source to the batch with the error, and the batch computed meanwhile is not written', async () => {
    const h = startHarness({ background: new BackgroundWrites() });
    const open = gated(h);
    const failure = new Error('broker gone');
    h.sink.failNext = failure;
    const b1 = makeBatch(0, 0, lines(0, 4));
    await h.feed(b1);
    const b2 = makeBatch(0, 4, lines(4, 4));
    const second = h.feed(b2);
    await settleTurn();
    open();
    const o2 = await second;
    await o2.written;
    expect(o2.status).toBe('stale');
    expect(b1.rewinds).toEqual([{ offset: '0', error: failure }]);
    expect(b1.commits).toEqual([]);
    expect(b2.commits).toEqual([]);
    expect(b2.readAheads).toEqual([]);
    expect(h.table.get(TOPIC, 0)).toBeUndefined();
    // b1 was written (its outbox unproduced), b2 was not.
    const stored = await h.store.loadPartition({ topic: TOPIC, partition: 0 });
    expect(stored.watermark).toBe(3);
    expect(stored.outbox?.messages).toHaveLength(4);
    // The source fetches again from offset 0: the claim re-produces b1's outbox, skips b1, applies the rest.
    const again = makeBatch(0, 0, [...lines(0, 4), ...lines(4, 4)]);
    const o3 = await h.feed(again);
    await o3.written;
    expect(o3.duplicates).toBe(4);
    expect(sources(h)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7']);
    expect(again.commits).toEqual(['7']);
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
