import { describe, expect, it } from 'vitest';
import { RnnStreamError } from '../../src/errors/index.js';
import { parseManifest } from '../../src/model/load-model.js';
import { initParams } from '../../src/model/init-params.js';
import { SeededRandom } from '../../src/model/random.js';
import { RnnModel } from '../../src/model/rnn-model.js';
import { HEADERS } from '../../src/records/record-headers.js';
import { DLQ, makeBatch, OUT, startHarness, TOPIC, vec } from './pipeline-harness.js';
import { replay } from './replay.js';

const DECODE = { kind: 'vector', inputSize: 3, maxBytes: 1024, maxKeyLength: 32, maxAbsValue: 1e6 } as const;
const lines = (n: number): string[] => Array.from({ length: n }, (_, i) => vec(`k${i % 3}`, 1_000 + i, [Math.cos(i), i % 4, -i / n]));

describe('streamPipeline: where a partition resumes', () => {
  it('seeks back to watermark + 1 when Kafka\'s position is ahead of the stored state, and loses nothing', async () => {
    const all = lines(20);
    const first = startHarness();
    await first.feed(makeBatch(0, 0, all.slice(0, 10)));
    // A new owner whose consumer position is 15 (offsets committed beyond what Redis kept).
    const next = startHarness({ store: first.store });
    const ahead = makeBatch(0, 15, all.slice(15));
    expect(await next.feed(ahead)).toMatchObject({ status: 'skipped', applied: 0 });
    expect(ahead.seeks).toEqual(['10']);
    expect(next.sink.records(OUT)).toHaveLength(0);
    expect(await next.feed(makeBatch(0, 10, all.slice(10)))).toMatchObject({ status: 'committed', applied: 10 });
    const expected = replay(first.loaded, all, DECODE);
    for (const [key, state] of expected.states) {
      const stored = await next.store.readKey({ topic: TOPIC, partition: 0 }, key);
      expect(stored?.step).toBe(state.step);
      expect(stored?.hidden).toEqual(state.hidden);
    }
  });

  it('refuses a stored state that has applied offsets beyond the end of the log', async () => {
    const first = startHarness();
    await first.feed(makeBatch(0, 0, lines(10)));
    // The topic was recreated: the log now ends at offset 7 (makeBatch: 2 messages + 5).
    const next = startHarness({ store: first.store });
    const outcome = await next.feed(makeBatch(0, 0, lines(2)));
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toBeInstanceOf(RnnStreamError);
    expect((outcome.error as RnnStreamError).retriable).toBe(false);
    expect((outcome.error as Error).message).toMatch(/log ends at offset 7 but the stored state has applied up to 9/);
  });
});

describe('streamPipeline with a diverging model', () => {
  it('dead-letters an event whose step is not finite and leaves the key\'s state as it was', async () => {
    const manifest = parseManifest({
      format: 'rnn-stream.model/v1', name: 'relu', cell: 'rnn_relu', inputSize: 3, hiddenSize: 4, numLayers: 1, outputSize: 1, weights: 'x',
    });
    const params = initParams(manifest, new SeededRandom(1));
    params.layers[0].weightIh.fill(1e34); // 1e34 * 1e6 overflows float32
    const loaded = { manifest, model: new RnnModel(manifest, params), version: 'v1', manifestPath: '/dev/null', weightsPath: '/dev/null' };
    const h = startHarness({ loaded });
    const good = [vec('a', 1, [0, 0, 0]), vec('a', 2, [0, 0, 0])];
    await h.feed(makeBatch(0, 0, good));
    const before = await h.store.readKey({ topic: TOPIC, partition: 0 }, 'a');
    const outcome = await h.feed(makeBatch(0, 2, [vec('a', 3, [1e6, 1e6, 1e6]), vec('a', 4, [0, 0, 0])]));
    expect(outcome.status).toBe('committed');
    const letters = h.sink.records(DLQ);
    expect(letters).toHaveLength(1);
    expect(letters[0].headers?.[HEADERS.reason]).toBe('non_finite_output');
    expect(letters[0].headers?.[HEADERS.sourceOffset]).toBe('2');
    // The next event continues from the state before the diverging one, as if it never came.
    const expected = replay(loaded, [...good, vec('a', 4, [0, 0, 0])], DECODE);
    const after = await h.store.readKey({ topic: TOPIC, partition: 0 }, 'a');
    expect(before?.step).toBe(2);
    expect(after?.step).toBe(3);
    expect(after?.hidden).toEqual(expected.states.get('a')!.hidden);
    expect(h.sink.records(OUT).map((r) => JSON.parse(r.value!.toString()).step)).toEqual([1, 2, 3]);
  });
});

describe('deadLetterRecord', () => {
  it('cuts the value of an oversized message so that the dead letter stays sendable', async () => {
    const { deadLetterRecord, MAX_OVERSIZED_VALUE_BYTES } = await import('../../src/records/dead-letter-record.js');
    const value = Buffer.alloc(3 * MAX_OVERSIZED_VALUE_BYTES, 0x61);
    const message = { key: Buffer.from('k'), value, headers: {}, offset: '5', timestamp: '1' };
    const letter = deadLetterRecord(TOPIC, 0, message as never, { reason: 'oversized', detail: 'too big' });
    expect(letter.value?.length).toBe(MAX_OVERSIZED_VALUE_BYTES);
    expect(letter.headers?.[HEADERS.originalSize]).toBe(String(value.length));
    const small = deadLetterRecord(TOPIC, 0, { ...message, value: Buffer.from('{') } as never, { reason: 'malformed_json', detail: 'x' });
    expect(small.value?.toString()).toBe('{');
    expect(small.headers?.[HEADERS.originalSize]).toBeUndefined();
  });
});
