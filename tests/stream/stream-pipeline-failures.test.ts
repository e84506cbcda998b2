import { describe, expect, it } from 'vitest';
import { StateStoreError } from '../../src/errors/state-store-error.js';
import { HEADERS } from '../../src/records/record-headers.js';
import type { SinkRecord } from '../../src/records/sink-record.js';
import { makeBatch, OUT, startHarness, testModel, TOPIC, vec } from './pipeline-harness.js';
import { replay } from './replay.js';

const DECODE = { kind: 'vector', inputSize: 3, maxBytes: 1024, maxKeyLength: 32, maxAbsValue: 1e6 } as const;

/** 40 events over 4 keys with interleaved keys and varied features. */
function lines(n = 40, keys = 4): string[] {
  return Array.from({ length: n }, (_, i) => vec(`k${(i * 7) % keys}`, 1_000 + i, [Math.sin(i), (i % 5) - 2, i / n]));
}

describe('streamPipeline when things go wrong', () => {
  it('re-produces an unmarked outbox byte for byte when it takes over a partition', async () => {
    const h = startHarness();
    const all = lines(6);
    h.sink.failNext = null;
    // The first owner writes the batch, then "crashes" before producing: simulate with a failing sink.
    const crashed = startHarness({ store: h.store });
    crashed.sink.failNext = new Error('broker gone');
    expect((await crashed.feed(makeBatch(0, 0, all))).status).toBe('failed');
    // A new owner (fresh table) claims the partition with the next batch.
    const next = makeBatch(0, 6, [vec('k0', 99, [0, 0, 0])]);
    expect((await h.feed(next)).status).toBe('committed');
    const out = h.sink.records(OUT);
    expect(out).toHaveLength(7);
    const reference = startHarness();
    await reference.feed(makeBatch(0, 0, all));
    expect(out.slice(0, 6)).toEqual(reference.sink.records(OUT));
    // Marked produced: a third owner does not produce them again.
    const third = startHarness({ store: h.store });
    await third.feed(makeBatch(0, 7, [vec('k0', 100, [0, 0, 0])]));
    expect(third.sink.records(OUT)).toHaveLength(1);
  });

  it('repeats predictions byte for byte when an owner dies between producing them and marking the outbox', async () => {
    const all = lines(6);
    const first = startHarness({ outputHeaders: 'full' });
    const markProduced = first.store.markProduced.bind(first.store);
    let crash = true;
    // The predictions reach the sink; the process "dies" before the outbox is marked produced (the
    // batch itself is done once its predictions are acknowledged: the mark is not waited for).
    first.store.markProduced = async (ref, watermark) => {
      if (crash) {
        crash = false;
        throw new Error('process killed');
      }
      return markProduced(ref, watermark);
    };
    expect((await first.feed(makeBatch(0, 0, all))).status).toBe('committed');
    const next = startHarness({ store: first.store, outputHeaders: 'full' });
    expect((await next.feed(makeBatch(0, 6, [vec('k0', 99, [0, 0, 0])]))).status).toBe('committed');

    const produced = [...first.sink.records(OUT), ...next.sink.records(OUT)];
    const bySource = new Map<string, SinkRecord[]>();
    for (const r of produced) {
      const source = `${String(r.headers?.[HEADERS.sourcePartition])}:${String(r.headers?.[HEADERS.sourceOffset])}`;
      bySource.set(source, [...(bySource.get(source) ?? []), r]);
    }
    // The scenario really repeats: each of the six first predictions went out twice, the seventh once.
    expect([...bySource.values()].map((copies) => copies.length)).toEqual([2, 2, 2, 2, 2, 2, 1]);
    // Every copy equals a run that never crashed: key, value bytes and headers.
    const reference = startHarness({ outputHeaders: 'full' });
    await reference.feed(makeBatch(0, 0, all));
    const expected = reference.sink.records(OUT);
    for (let i = 0; i < 6; i++) {
      for (const copy of bySource.get(`0:${i}`)!) {
        expect(copy.key).toBe(expected[i].key);
        expect(Buffer.compare(copy.value!, expected[i].value!)).toBe(0);
        expect(copy.headers).toEqual(expected[i].headers);
      }
    }
  });

  it('re-produces an unmarked outbox with its headers rebuilt from the values, equal to the first attempt', async () => {
    const all = lines(6);
    const crashed = startHarness({ outputHeaders: 'full' });
    crashed.sink.failNext = new Error('broker gone');
    expect((await crashed.feed(makeBatch(3, 0, all))).status).toBe('failed');
    const h = startHarness({ store: crashed.store, outputHeaders: 'full' });
    expect((await h.feed(makeBatch(3, 6, [vec('k0', 99, [0, 0, 0])]))).status).toBe('committed');
    const reference = startHarness({ outputHeaders: 'full' });
    await reference.feed(makeBatch(3, 0, all));
    expect(h.sink.records(OUT).slice(0, 6)).toEqual(reference.sink.records(OUT));
    expect(h.sink.records(OUT)[5].headers).toMatchObject({ 'rnn-stream-source-offset': '5', 'rnn-stream-source-partition': '3' });
  });

  it('drops the partition and commits nothing when another writer fenced it, then recovers from the store', async () => {
    const h = startHarness();
    const all = lines(20);
    await h.feed(makeBatch(0, 0, all.slice(0, 5)));
    // Another worker applies 5..11 behind this one's back.
    const other = startHarness({ store: h.store });
    await other.feed(makeBatch(0, 5, all.slice(5, 12)));
    const fenced = makeBatch(0, 5, all.slice(5, 10));
    expect(await h.feed(fenced)).toMatchObject({ status: 'fenced', applied: 0 });
    expect(fenced.commits).toEqual([]);
    expect(h.table.get(TOPIC, 0)).toBeUndefined();
    expect(await h.feed(makeBatch(0, 5, all.slice(5)))).toMatchObject({ status: 'committed', duplicates: 7, applied: 8 });
    const expected = replay(h.loaded, all, DECODE);
    for (const [key, state] of expected.states) {
      expect((await h.store.readKey({ topic: TOPIC, partition: 0 }, key))?.hidden).toEqual(state.hidden);
    }
  });

  it('keeps exactly-once state when a store write fails and the batch is retried', async () => {
    const h = startHarness();
    const all = lines(20);
    await h.feed(makeBatch(0, 0, all.slice(0, 10)));
    const apply = h.store.applyBatch.bind(h.store);
    let fail = true;
    h.store.applyBatch = async (w) => {
      if (fail) {
        fail = false;
        throw new StateStoreError('connection lost', { op: 'apply', topic: TOPIC, partition: 0 }, { retriable: true });
      }
      return apply(w);
    };
    const failed = await h.feed(makeBatch(0, 10, all.slice(10)));
    expect(failed.status).toBe('failed');
    expect(failed.error).toBeInstanceOf(StateStoreError);
    expect(await h.feed(makeBatch(0, 10, all.slice(10)))).toMatchObject({ status: 'committed', applied: 10 });
    const expected = replay(h.loaded, all, DECODE);
    for (const [key, state] of expected.states) {
      const stored = await h.store.readKey({ topic: TOPIC, partition: 0 }, key);
      expect(stored?.hidden).toEqual(state.hidden);
      expect(stored?.step).toBe(state.step);
    }
  });

  it('never advances a state of another model version: it starts the key afresh and counts it', async () => {
    const old = startHarness({ loaded: testModel({ version: 'v0', seed: 3 }) });
    await old.feed(makeBatch(0, 0, [vec('a', 1, [1, 2, 3]), vec('a', 2, [3, 2, 1])]));
    let resets = 0;
    const h = startHarness({ store: old.store, onStateReset: (n) => (resets += n) });
    await h.feed(makeBatch(0, 2, [vec('a', 3, [1, 1, 1])]));
    const fresh = replay(h.loaded, [vec('a', 3, [1, 1, 1])], DECODE);
    const stored = await h.store.readKey({ topic: TOPIC, partition: 0 }, 'a');
    expect(stored).toMatchObject({ modelVersion: 'v1', step: 1, lastOffset: 2 });
    expect(stored?.hidden).toEqual(fresh.states.get('a')?.hidden);
    expect(resets).toBe(1);
  });

  it('produces dead letters before the state write, so a failed dead-letter produce leaves state unwritten', async () => {
    const h = startHarness();
    h.sink.failNext = new Error('dlq down');
    const outcome = await h.feed(makeBatch(0, 0, [vec('a', 1, [1, 1, 1]), { key: 'a', value: '{oops' }]));
    expect(outcome.status).toBe('failed');
    expect(await h.store.readKey({ topic: TOPIC, partition: 0 }, 'a')).toBeNull();
  });

  it('does not work on a batch the source marked stale', async () => {
    const h = startHarness();
    const b = makeBatch(0, 0, lines(3), { active: false });
    expect(await h.feed(b)).toMatchObject({ status: 'stale' });
    expect(h.sink.sent).toEqual([]);
    expect(b.commits).toEqual([]);
  });

  it('errors when a source sends a second batch of a partition before the first settled', async () => {
    const h = startHarness();
    h.sink.gate = new Promise(() => undefined);
    h.input.next(makeBatch(0, 0, lines(3)).batch);
    h.input.next(makeBatch(0, 3, lines(3)).batch);
    await new Promise((r) => setTimeout(r, 10));
    expect(String(h.errors[0])).toContain('second batch arrived before the first one settled');
  });
});
