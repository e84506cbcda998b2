import { describe, expect, it } from 'vitest';
import { MEM_PREV_TS } from '../../src/features/feature-memory.js';
import { HEADERS } from '../../src/records/record-headers.js';
import { DLQ, makeBatch, OUT, startHarness, TOPIC, vec } from './pipeline-harness.js';

const NOW = Date.UTC(2026, 10, 30, 12);
const DAY = 86_400_000;

describe('streamPipeline: hostile keys and timestamps', () => {
  it('dead-letters 16 distinct invalid UTF-8 keys as invalid_key and stores no state for any', async () => {
    const h = startHarness({ now: () => NOW });
    // Each key is "k" plus one byte 0x80..0x8f: a lone continuation byte, invalid UTF-8. Lossy
    // decoding would make all 16 the same string "k\uFFFD".
    const keys = Array.from({ length: 16 }, (_, i) => Buffer.from([0x6b, 0x80 + i]));
    const value = (k: Buffer): string => JSON.stringify({ key: k.toString('utf8'), ts: NOW, features: [1, 2, 3] });
    const outcome = await h.feed(makeBatch(0, 0, [...keys.map((k) => ({ key: k, value: value(k) })), vec('ok', NOW, [1, 2, 3])]));
    expect(outcome).toMatchObject({ status: 'committed', applied: 1, rejected: 16 });
    const letters = h.sink.records(DLQ);
    expect(letters.map((l) => l.headers?.[HEADERS.reason])).toEqual(Array(16).fill('invalid_key'));
    // The dead letters keep the exact original key bytes.
    expect(letters.map((l) => Buffer.from(l.key as Buffer).toString('hex'))).toEqual(keys.map((k) => k.toString('hex')));
    expect(await h.store.readKey({ topic: TOPIC, partition: 0 }, 'k\uFFFD')).toBeNull();
    expect(h.sink.records(OUT).map((r) => String(r.key))).toEqual(['ok']);
    expect(await h.metrics.registry.getSingleMetricAsString('rnn_stream_rejected_events_total')).toContain(
      'rnn_stream_rejected_events_total{reason="invalid_key"} 16',
    );
  });

  it('accepts a valid multi-byte UTF-8 key', async () => {
    const h = startHarness({ now: () => NOW });
    await h.feed(makeBatch(0, 0, [vec('ключ-€-😀', NOW, [1, 2, 3])]));
    expect(h.sink.records(OUT).map((r) => String(r.key))).toEqual(['ключ-€-😀']);
    expect(h.sink.records(DLQ)).toHaveLength(0);
  });

  it('dead-letters an event more than maxFutureSkewMs ahead of the clock, never storing it', async () => {
    const h = startHarness({ now: () => NOW, maxFutureSkewMs: DAY });
    const outcome = await h.feed(
      makeBatch(0, 0, [
        vec('a', NOW, [1, 1, 1]),
        vec('a', NOW + DAY + 1, [1, 1, 1]),
        vec('a', 8.64e15, [1, 1, 1]),
        vec('a', NOW + DAY, [1, 1, 1]),
      ]),
    );
    expect(outcome).toMatchObject({ status: 'committed', applied: 2, rejected: 2 });
    const letters = h.sink.records(DLQ);
    expect(letters.map((l) => l.headers?.[HEADERS.reason])).toEqual(['timestamp_out_of_range', 'timestamp_out_of_range']);
    const state = await h.store.readKey({ topic: TOPIC, partition: 0 }, 'a');
    // The key's last time is the accepted event at the edge of the bound, not the far-future one.
    expect(state?.memory[MEM_PREV_TS]).toBe(NOW + DAY);
    expect(state?.step).toBe(2);
  });

  it('keeps processing a key normally after a far-future event under timestampPolicy reject', async () => {
    const h = startHarness({ now: () => NOW, timestampPolicy: 'reject' });
    await h.feed(makeBatch(0, 0, [vec('a', NOW, [1, 1, 1]), vec('a', 8.64e15, [1, 1, 1]), vec('a', NOW + 1, [1, 1, 1])]));
    expect(h.sink.records(DLQ).map((l) => l.headers?.[HEADERS.reason])).toEqual(['timestamp_out_of_range']);
    expect(h.sink.records(OUT)).toHaveLength(2);
  });
});
