import { describe, expect, it } from 'vitest';
import { StateStoreError } from '../../src/errors/state-store-error.js';
import { newKeyState } from '../../src/state/key-state.js';
import type { Prediction } from '../../src/events/prediction.js';
import { HEADERS } from '../../src/stream/record-headers.js';
import { DLQ, makeBatch, OUT, startHarness, testModel, TOPIC, vec } from './pipeline-harness.js';
import { replay } from './replay.js';

const DECODE = { kind: 'vector', inputSize: 3, maxBytes: 1024, maxKeyLength: 32, maxAbsValue: 1e6 } as const;

/** 40 events over 4 keys with interleaved keys and varied features. */
function lines(n = 40, keys = 4): string[] {
  return Array.from({ length: n }, (_, i) => vec(`k${(i * 7) % keys}`, 1_000 + i, [Math.sin(i), (i % 5) - 2, i / n]));
}

function parse(value: Buffer | null): Prediction {
  return JSON.parse(String(value)) as Prediction;
}

describe('streamPipeline', () => {
  it('predicts every valid event exactly as a sequential replay does, across batches', async () => {
    const h = startHarness();
    const all = lines();
    const first = await h.feed(makeBatch(0, 0, all.slice(0, 15)));
    const second = await h.feed(makeBatch(0, 15, all.slice(15)));
    expect([first.status, second.status]).toEqual(['committed', 'committed']);
    const expected = replay(h.loaded, all, DECODE);
    const preds = h.sink.records(OUT).map((r) => parse(r.value as Buffer));
    expect(preds.map((p) => p.output)).toEqual(expected.outputs);
    expect(preds.map((p) => p.source?.offset)).toEqual(all.map((_, i) => String(i)));
    for (const [key, state] of expected.states) {
      const stored = await h.store.readKey({ topic: TOPIC, partition: 0 }, key);
      expect(stored?.hidden).toEqual(state.hidden);
      expect(stored?.memory).toEqual(state.memory);
      expect(stored?.step).toBe(state.step);
      expect(stored?.lastOffset).toBe(state.lastOffset);
    }
  });

  it('writes prediction headers with the source and the model, and hands the last offset to the source', async () => {
    const h = startHarness();
    const b = makeBatch(2, 100, [vec('a', 1, [1, 2, 3]), vec('a', 2, [1, 2, 3])]);
    await h.feed(b);
    const [p0, p1] = h.sink.records(OUT);
    expect(p1.key).toBe('a');
    expect(p1.headers).toEqual({
      [HEADERS.sourceTopic]: TOPIC,
      [HEADERS.sourcePartition]: '2',
      [HEADERS.sourceOffset]: '101',
      [HEADERS.model]: 'test-model',
      [HEADERS.modelVersion]: 'v1',
    });
    expect(parse(p0.value as Buffer)).toMatchObject({ key: 'a', ts: 1, model: 'test-model', modelVersion: 'v1', step: 1 });
    expect(b.commits).toEqual(['101']);
  });

  it('dead-letters every kind of bad input with the original bytes and leaves the keys untouched', async () => {
    const h = startHarness();
    await h.feed(makeBatch(0, 0, [vec('good', 1, [1, 1, 1]), vec('bad', 1, [1, 1, 1])]));
    const before = await h.store.readKey({ topic: TOPIC, partition: 0 }, 'bad');
    const bad = [
      { key: 'bad', value: '{"key":"bad","ts":2,' },
      { key: 'bad', value: '{"key":"bad","features":[1,2,3]}' },
      { key: 'bad', value: '{"key":"bad","ts":2,"features":[1,"2",3]}' },
      { key: 'bad', value: '{"key":"bad","ts":2,"features":[1,2]}' },
      { key: 'bad', value: '{"key":"bad","ts":2,"features":[1,null,3]}' },
      { key: 'bad', value: JSON.stringify({ key: 'bad', ts: 2, features: [1, 2, 3], pad: 'x'.repeat(2000) }) },
      { key: null, value: '{"key":"bad","ts":2,"features":[1,2,3]}' },
      { key: 'bad', value: null },
    ];
    const b = makeBatch(0, 2, [...bad, vec('good', 2, [2, 2, 2])]);
    const outcome = await h.feed(b);
    expect(outcome).toMatchObject({ status: 'committed', applied: 1, rejected: bad.length });
    const letters = h.sink.records(DLQ);
    expect(letters.map((l) => l.headers[HEADERS.reason])).toEqual([
      'malformed_json', 'missing_field', 'wrong_type', 'feature_count', 'non_finite', 'oversized', 'null_key', 'malformed_json',
    ]);
    letters.forEach((l, i) => {
      expect(l.value === null ? null : String(l.value)).toBe(bad[i].value);
      expect(l.key === null ? null : String(l.key)).toBe(bad[i].key);
      expect(l.headers).toMatchObject({ 'trace-id': `t${2 + i}`, [HEADERS.sourceTopic]: TOPIC, [HEADERS.sourcePartition]: '0', [HEADERS.sourceOffset]: String(2 + i) });
    });
    expect(await h.store.readKey({ topic: TOPIC, partition: 0 }, 'bad')).toEqual(before);
    expect(h.sink.records(OUT).map((r) => r.key)).toEqual(['good', 'bad', 'good']);
    const metrics = await h.metrics.registry.getSingleMetricAsString('rnn_stream_rejected_events_total');
    expect(metrics).toContain('rnn_stream_rejected_events_total{reason="malformed_json"} 2');
  });

  it('skips a redelivered batch and seeks past the watermark, predicting nothing twice', async () => {
    const h = startHarness();
    const all = lines(10);
    await h.feed(makeBatch(1, 0, all));
    const again = makeBatch(1, 0, all.slice(0, 6));
    expect(await h.feed(again)).toMatchObject({ status: 'skipped', duplicates: 6 });
    expect(again.seeks).toEqual(['10']);
    expect(again.commits).toEqual([]);
    expect(h.sink.records(OUT)).toHaveLength(10);
  });

  it('applies only the part of a batch above the watermark', async () => {
    const h = startHarness();
    const all = lines(12);
    await h.feed(makeBatch(0, 0, all.slice(0, 8)));
    expect(await h.feed(makeBatch(0, 4, all.slice(4)))).toMatchObject({ status: 'committed', applied: 4, duplicates: 4 });
    expect(h.sink.records(OUT).map((r) => parse(r.value as Buffer).output)).toEqual(replay(h.loaded, all, DECODE).outputs);
  });

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

  it('applies a timestamp that goes back under policy apply, and counts it', async () => {
    const h = startHarness();
    await h.feed(makeBatch(0, 0, [vec('a', 10, [1, 1, 1]), vec('a', 5, [1, 1, 1])]));
    expect(h.sink.records(OUT)).toHaveLength(2);
    expect(await h.metrics.registry.getSingleMetricAsString('rnn_stream_timestamp_regressions_total')).toMatch(/total 1$/m);
  });

  it('dead-letters a timestamp that goes back under policy reject', async () => {
    const h = startHarness({ timestampPolicy: 'reject' });
    await h.feed(makeBatch(0, 0, [vec('a', 10, [1, 1, 1]), vec('a', 5, [1, 1, 1]), vec('a', 11, [1, 1, 1])]));
    expect(h.sink.records(OUT).map((r) => parse(r.value as Buffer).step)).toEqual([1, 2]);
    expect(h.sink.records(DLQ).map((r) => r.headers[HEADERS.reason])).toEqual(['timestamp_regression']);
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

  it('works on at most maxBatchesInFlight batches at once, across partitions', async () => {
    let open!: () => void;
    const h = startHarness({ maxBatchesInFlight: 2 });
    h.sink.gate = new Promise((r) => (open = r));
    const batches = [0, 1, 2, 3, 4].map((p) => makeBatch(p, 0, [vec(`k${p}`, 1, [1, 1, 1])]));
    for (const b of batches) h.input.next(b.batch);
    await new Promise((r) => setTimeout(r, 20));
    expect(h.sink.active).toBe(2);
    open();
    const outcomes = await Promise.all(batches.map((b) => b.outcome));
    expect(outcomes.every((o) => o.status === 'committed')).toBe(true);
    expect(h.sink.maxActive).toBe(2);
  });
});

describe('newKeyState', () => {
  it('is what a key without history starts from', () => {
    expect(newKeyState(4, 'v1')).toMatchObject({ step: 0, lastOffset: -1, modelVersion: 'v1' });
  });
});
