import { describe, expect, it } from 'vitest';
import type { StreamMessage } from '../../src/records/stream-message.js';
import type { StreamBatch } from '../../src/stream/stream-batch.js';
import { DLQ, makeBatch, OUT, startHarness, TOPIC, vec, type BatchRecord } from './pipeline-harness.js';
import { replay } from './replay.js';

const DECODE = { kind: 'vector', inputSize: 3, maxBytes: 1024, maxKeyLength: 32, maxAbsValue: 1e6 } as const;

/** `b` with the message at `index` replaced by the stand-in of an unreadable record batch that began at `firstOffset`. */
function withUnreadable(b: BatchRecord, index: number, firstOffset: number): BatchRecord {
  const messages = [...b.batch.messages];
  const stand: StreamMessage = {
    key: null,
    value: null,
    headers: {},
    offset: messages[index].offset,
    timestamp: messages[index].timestamp,
    unreadableBatch: { reason: 'decompression_limit', detail: 'too big', firstOffset: String(firstOffset) },
  };
  messages[index] = stand;
  const batch: StreamBatch = { ...b.batch, messages };
  return { ...b, batch };
}

describe('streamPipeline: unreadable record batches', () => {
  it('skips the stand-in of an unreadable batch, counts it, and moves the watermark past it', async () => {
    const h = startHarness();
    const good = [vec('a', 1, [1, 2, 3]), vec('b', 2, [3, 2, 1]), vec('a', 3, [0, 1, 0])];
    // Offsets 10, 11 good; 12..19 an unreadable batch whose stand-in sits at 19 (as kafkajs hands it over); 20 good.
    const b = makeBatch(0, 10, [good[0], good[1], vec('x', 0, [0, 0, 0]), good[2]]);
    const batch = withUnreadable(b, 2, 12);
    const messages = [...batch.batch.messages];
    messages[2] = { ...messages[2], offset: '19' };
    messages[3] = { ...messages[3], offset: '20' };
    const outcome = await h.feed({ ...batch, batch: { ...batch.batch, messages } });

    expect(outcome).toMatchObject({ status: 'committed', applied: 3, rejected: 0 });
    expect(h.sink.records(DLQ)).toHaveLength(0);
    expect(h.sink.records(OUT).map((r) => String((JSON.parse(String(r.value)) as { source: { offset: number } }).source.offset))).toEqual(['10', '11', '20']);
    expect((await h.store.loadPartition({ topic: TOPIC, partition: 0 })).watermark).toBe(20);
    expect(batch.commits).toEqual(['20']);
    const text = await h.metrics.registry.metrics();
    expect(text).toContain('rnn_stream_skipped_record_batches_total{reason="decompression_limit"} 1');
    const expected = replay(h.loaded, good, DECODE);
    for (const [key, state] of expected.states) expect((await h.store.readKey({ topic: TOPIC, partition: 0 }, key))?.hidden).toEqual(state.hidden);
  });

  it('commits a batch that is only a stand-in, so the partition goes on after it', async () => {
    const h = startHarness();
    const b = withUnreadable(makeBatch(1, 40, [vec('x', 0, [0, 0, 0])]), 0, 33);
    const outcome = await h.feed(b);
    expect(outcome).toMatchObject({ status: 'committed', applied: 0, rejected: 0 });
    expect((await h.store.loadPartition({ topic: TOPIC, partition: 1 })).watermark).toBe(40);
    expect(b.commits).toEqual(['40']);
    const next = await h.feed(makeBatch(1, 41, [vec('a', 1, [1, 1, 1])]));
    expect(next).toMatchObject({ status: 'committed', applied: 1 });
  });
});
