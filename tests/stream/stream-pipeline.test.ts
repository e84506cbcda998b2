import { describe, expect, it } from 'vitest';
import type { Prediction } from '../../src/records/prediction.js';
import { HEADERS } from '../../src/records/record-headers.js';
import { DLQ, makeBatch, OUT, startHarness, TOPIC, vec } from './pipeline-harness.js';
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

  it('writes no prediction headers by default, and hands the last offset to the source', async () => {
    const h = startHarness();
    const b = makeBatch(2, 100, [vec('a', 1, [1, 2, 3]), vec('a', 2, [1, 2, 3])]);
    await h.feed(b);
    const [p0, p1] = h.sink.records(OUT);
    expect(p1.key).toBe('a');
    expect(p1.headers).toBeUndefined();
    expect(parse(p0.value as Buffer)).toMatchObject({ key: 'a', ts: 1, model: 'test-model', modelVersion: 'v1', step: 1, source: { topic: TOPIC, partition: 2, offset: '100' } });
    expect(b.commits).toEqual(['101']);
  });

  it('writes the five source and model headers with outputHeaders full', async () => {
    const h = startHarness({ outputHeaders: 'full' });
    await h.feed(makeBatch(2, 100, [vec('a', 1, [1, 2, 3]), vec('a', 2, [1, 2, 3])]));
    expect(h.sink.records(OUT)[1].headers).toEqual({
      [HEADERS.sourceTopic]: TOPIC,
      [HEADERS.sourcePartition]: '2',
      [HEADERS.sourceOffset]: '101',
      [HEADERS.model]: 'test-model',
      [HEADERS.modelVersion]: 'v1',
    });
  });

  it('writes one compact source header with outputHeaders source', async () => {
    const h = startHarness({ outputHeaders: 'source' });
    await h.feed(makeBatch(2, 100, [vec('a', 1, [1, 2, 3]), vec('b', 2, [1, 2, 3])]));
    expect(h.sink.records(OUT).map((r) => r.headers)).toEqual([{ 'rnn-stream-source': `${TOPIC}:2:100` }, { 'rnn-stream-source': `${TOPIC}:2:101` }]);
  });

  it('writes the same value bytes whatever the headers, equal to JSON.stringify of the prediction', async () => {
    const values = await Promise.all(
      (['none', 'source', 'full'] as const).map(async (outputHeaders) => {
        const h = startHarness({ outputHeaders });
        await h.feed(makeBatch(1, 7, [vec('a', 1, [1, 2, 3]), vec('é"\\', 2, [-0, 1e-30, 3])]));
        return h.sink.records(OUT).map((r) => String(r.value));
      }),
    );
    expect(values[1]).toEqual(values[0]);
    expect(values[2]).toEqual(values[0]);
    // Independent of the writer: parse and serialise again with JSON.stringify.
    for (const v of values[0]) expect(JSON.stringify(JSON.parse(v))).toBe(v);
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
    expect(letters.map((l) => l.headers?.[HEADERS.reason])).toEqual([
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
    expect(h.sink.records(DLQ).map((r) => r.headers?.[HEADERS.reason])).toEqual(['timestamp_regression']);
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
