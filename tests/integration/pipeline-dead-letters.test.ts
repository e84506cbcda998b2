import { describe, expect, it } from 'vitest';
import { partitionForKey } from '../../src/kafka/partition-for-key.js';
import { HEADERS } from '../../src/records/record-headers.js';
import {
  backtest, worldsOfDescribe, predictionOf, produceInput, saveTestModel, sameState, startInProcess, storedState, tail, waitFor, worldConfig,
} from './pipeline-fixture.js';
import { skipIntegration } from './services.js';

const T0 = 1_764_000_000_000;
const tick = (symbol: string, i: number, price: number): string => JSON.stringify({ symbol, ts: T0 + i * 1000, price, volume: 10 * i });

/** One bad message of each kind for a tick model, all for key AAA (except the null key), with the reason expected. */
const BAD_TICKS: readonly { key: string | null; value: string | null; reason: string }[] = [
  { key: 'AAA', value: '{"symbol":"AAA","ts":1,', reason: 'malformed_json' },
  { key: 'AAA', value: null, reason: 'malformed_json' },
  { key: 'AAA', value: '[1,2,3]', reason: 'not_an_object' },
  { key: 'AAA', value: JSON.stringify({ symbol: 'AAA', ts: T0 + 9000 }), reason: 'missing_field' },
  { key: 'AAA', value: JSON.stringify({ symbol: 'AAA', ts: T0 + 9000, price: '12.5' }), reason: 'wrong_type' },
  { key: 'AAA', value: JSON.stringify({ symbol: 'AAA', ts: T0 + 9000, price: null }), reason: 'non_finite' },
  { key: 'AAA', value: JSON.stringify({ symbol: 'AAA', ts: T0 + 9000, price: 'NaN' }), reason: 'non_finite' },
  { key: 'AAA', value: JSON.stringify({ symbol: 'AAA', ts: T0 + 9000, price: 0 }), reason: 'non_positive_price' },
  { key: 'AAA', value: JSON.stringify({ symbol: 'AAA', ts: T0 + 9000, price: -3 }), reason: 'non_positive_price' },
  { key: 'AAA', value: JSON.stringify({ symbol: 'AAA', ts: T0 + 9000, price: 1e300 }), reason: 'oversized' },
  { key: 'AAA', value: JSON.stringify({ symbol: 'AAA', ts: T0 + 9000, price: 10, note: 'x'.repeat(700) }), reason: 'oversized' },
  { key: null, value: JSON.stringify({ symbol: 'AAA', ts: T0 + 9000, price: 10 }), reason: 'null_key' },
  { key: 'AAA', value: JSON.stringify({ symbol: 'BBB', ts: T0 + 9000, price: 10 }), reason: 'key_mismatch' },
  { key: 'AAA', value: JSON.stringify({ symbol: 'AAA', ts: 'yesterday', price: 10 }), reason: 'bad_timestamp' },
];

describe.skipIf(skipIntegration)('pipeline on real Kafka and Redis: bad input (8b)', () => {
  const newWorld = worldsOfDescribe();

  it('dead-letters every kind of bad tick with its reason and original bytes; the key state is unchanged', async () => {
    const world = await newWorld('dlq-tick');
    const loaded = await saveTestModel(world.dir, 'tick');
    const { config } = await worldConfig(world, loaded.manifestPath, { events: { maxBytes: 512 } });
    const good = [1, 2, 3, 4, 5].map((i) => tick('AAA', i, 100 + i));
    const out = await tail(world, world.output);
    const dlq = await tail(world, world.dlq);
    await produceInput(world, good.map((value) => ({ key: 'AAA', value })));
    const run = await startInProcess(config, loaded);
    try {
      await waitFor('5 predictions', () => out.records.length >= 5);
      const partition = partitionForKey('AAA', 3);
      const before = await storedState(config, world.input, partition, 'AAA');
      await produceInput(world, BAD_TICKS.map(({ key, value }) => ({ key, value })));
      await waitFor(`${BAD_TICKS.length} dead letters`, () => dlq.records.length >= BAD_TICKS.length);

      const byValue = (v: Buffer | null): number => BAD_TICKS.findIndex((b) => (b.value === null ? v === null : v !== null && v.equals(Buffer.from(b.value))));
      expect(dlq.records).toHaveLength(BAD_TICKS.length);
      for (const letter of dlq.records) {
        const i = byValue(letter.value);
        expect(i).toBeGreaterThanOrEqual(0);
        expect(String(letter.headers[HEADERS.reason])).toBe(BAD_TICKS[i].reason);
        expect(letter.key).toBe(BAD_TICKS[i].key);
        expect(String(letter.headers[HEADERS.sourceTopic])).toBe(world.input);
        expect(String(letter.headers[HEADERS.sourceOffset])).toMatch(/^\d+$/);
        expect(String(letter.headers[HEADERS.detail]).length).toBeGreaterThan(0);
      }
      expect(new Set(dlq.records.map((l) => `${String(l.headers[HEADERS.sourcePartition])}:${String(l.headers[HEADERS.sourceOffset])}`)).size).toBe(BAD_TICKS.length);

      expect(sameState(await storedState(config, world.input, partition, 'AAA'), before)).toBe(true);
      // The next good tick continues exactly where the good ones left off.
      const last = tick('AAA', 6, 106);
      await produceInput(world, [{ key: 'AAA', value: last }]);
      await waitFor('the 6th prediction', () => out.records.length >= 6);
    } finally {
      await run.stop();
    }
    const reference = await backtest(loaded, [...good, tick('AAA', 6, 106)]);
    expect(out.records.map((r) => predictionOf(r).output)).toEqual(reference.predictions.get('AAA')?.map((p) => p.output));
    expect(sameState(await storedState(config, world.input, partitionForKey('AAA', 3), 'AAA'), reference.states.get('AAA'))).toBe(true);
    await out.stop();
    await dlq.stop();
  }, 180_000);

  it('dead-letters vectors with the wrong feature count or non-finite features', async () => {
    const world = await newWorld('dlq-vec');
    const loaded = await saveTestModel(world.dir, 'vector');
    const { config } = await worldConfig(world, loaded.manifestPath);
    const bad = [
      { key: 'v1', value: JSON.stringify({ key: 'v1', ts: 1, features: [1, 2] }), reason: 'feature_count' },
      { key: 'v1', value: JSON.stringify({ key: 'v1', ts: 1, features: [1, 2, 3, 4] }), reason: 'feature_count' },
      { key: 'v1', value: JSON.stringify({ key: 'v1', ts: 1, features: [1, null, 3] }), reason: 'non_finite' },
      { key: 'v1', value: JSON.stringify({ key: 'v1', ts: 1, features: 'abc' }), reason: 'wrong_type' },
    ];
    const good = JSON.stringify({ key: 'v1', ts: 2, features: [0.5, 0.25, -1] });
    const out = await tail(world, world.output);
    const dlq = await tail(world, world.dlq);
    await produceInput(world, [...bad.map(({ key, value }) => ({ key, value })), { key: 'v1', value: good }]);
    const run = await startInProcess(config, loaded);
    try {
      await waitFor('dead letters and the prediction', () => dlq.records.length >= bad.length && out.records.length >= 1);
    } finally {
      await run.stop();
    }
    expect(dlq.records.map((l) => String(l.headers[HEADERS.reason]))).toEqual(bad.map((b) => b.reason));
    expect(dlq.records.map((l) => String(l.value))).toEqual(bad.map((b) => b.value));
    const reference = await backtest(loaded, [good]);
    expect(predictionOf(out.records[0])).toMatchObject({ step: 1, output: reference.predictions.get('v1')?.[0].output });
    await out.stop();
    await dlq.stop();
  }, 180_000);
});
