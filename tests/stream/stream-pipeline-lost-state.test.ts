import { describe, expect, it } from 'vitest';
import { StateLostError } from '../../src/errors/state-lost-error.js';
import type { LogPositions } from '../../src/stream/log-positions.js';
import { HEADERS } from '../../src/records/record-headers.js';
import { DLQ, makeBatch, OUT, startHarness, TOPIC, vec } from './pipeline-harness.js';
import { replay } from './replay.js';

const DECODE = { kind: 'vector', inputSize: 3, maxBytes: 1024, maxKeyLength: 32, maxAbsValue: 1e6 } as const;
const lines = (n: number): string[] => Array.from({ length: n }, (_, i) => vec(`k${i % 3}`, 1_000 + i, [Math.sin(i), i % 5, i / n]));

/** Log positions as Kafka would report them: the log starts at `logStart`, the group committed `committed`. */
const positions = (logStart: number, committed: number | null): LogPositions => ({
  groupId: 'g',
  positions: async () => ({ logStart, committed }),
});

describe('streamPipeline: a partition with no stored state', () => {
  it('replays from the log start when the group committed beyond it (Redis lost the state), and ends equal to the replay', async () => {
    const all = lines(20);
    // Redis is empty (lost everything), but the group committed offset 12.
    const h = startHarness({ logPositions: positions(0, 12) });
    const ahead = makeBatch(0, 12, all.slice(12));
    expect(await h.feed(ahead)).toMatchObject({ status: 'skipped', applied: 0 });
    expect(ahead.seeks).toEqual(['0']);
    expect(await h.feed(makeBatch(0, 0, all))).toMatchObject({ status: 'committed', applied: 20 });
    const expected = replay(h.loaded, all, DECODE);
    for (const [key, state] of expected.states) {
      const stored = await h.store.readKey({ topic: TOPIC, partition: 0 }, key);
      expect(stored?.step).toBe(state.step);
      expect(stored?.hidden).toEqual(state.hidden);
    }
  });

  it('stops with StateLostError under the refuse policy, writing nothing', async () => {
    const h = startHarness({ logPositions: positions(0, 12), lostStatePolicy: 'refuse' });
    const outcome = await h.feed(makeBatch(0, 12, lines(5)));
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toBeInstanceOf(StateLostError);
    expect((outcome.error as StateLostError).retriable).toBe(false);
    expect((outcome.error as Error).message).toMatch(/committed offset 12 .* --reset-offsets --to-earliest/);
    expect((await h.store.loadPartition({ topic: TOPIC, partition: 0 })).watermark).toBe(-1);
    expect(h.sink.records(OUT)).toHaveLength(0);
  });

  it('starts fresh on a first start: no committed offset, or one at the log start', async () => {
    for (const [logStart, committed] of [[0, null], [40, 40], [40, null]] as const) {
      const h = startHarness({ logPositions: positions(logStart, committed), lostStatePolicy: 'refuse' });
      const batch = makeBatch(0, Math.max(logStart, committed ?? 0) + (committed === null && logStart === 0 ? 7 : 0), lines(4));
      expect(await h.feed(batch)).toMatchObject({ status: 'committed', applied: 4 });
      expect(batch.seeks).toEqual([]);
    }
  });
});

describe('streamPipeline: keys checked against their partition', () => {
  const check = (policy: 'reject' | 'count') => ({ policy, partitioner: 'test', partitionCount: 2, expected: (key: Uint8Array) => (key[key.length - 1] === 0x31 ? 1 : 0) });

  it('dead-letters an event whose key belongs to another partition (wrong_partition), state untouched', async () => {
    const h = startHarness({ partitionCheck: check('reject') });
    // Partition 0 holds keys ending in 0 or 2; k1 belongs to partition 1.
    const batch = makeBatch(0, 0, [vec('k0', 1, [1, 2, 3]), vec('k1', 2, [1, 2, 3]), vec('k2', 3, [1, 2, 3])]);
    expect(await h.feed(batch)).toMatchObject({ status: 'committed', applied: 2, rejected: 1 });
    const [letter] = h.sink.records(DLQ);
    expect(String(letter.headers?.[HEADERS.reason])).toBe('wrong_partition');
    expect(String(letter.headers?.[HEADERS.detail])).toMatch(/partition 1 of 2 under the test partitioner, not 0/);
    expect(await h.store.readKey({ topic: TOPIC, partition: 0 }, 'k1')).toBeNull();
  });

  it('applies it under the count policy and counts it', async () => {
    const h = startHarness({ partitionCheck: check('count') });
    const batch = makeBatch(0, 0, [vec('k0', 1, [1, 2, 3]), vec('k1', 2, [1, 2, 3])]);
    expect(await h.feed(batch)).toMatchObject({ status: 'committed', applied: 2, rejected: 0 });
    const metric = await h.metrics.registry.getSingleMetric('rnn_stream_wrong_partition_events_total')?.get();
    expect(metric?.values[0].value).toBe(1);
  });
});
