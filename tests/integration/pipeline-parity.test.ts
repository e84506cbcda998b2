import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { SeededRandom } from '../../src/model/random.js';
import { partitionForKey } from '../../src/kafka/partition-for-key.js';
import { backtest, bodySourceOf, createWorld, predictionOf, produceInput, saveTestModel, startInProcess, storedState, tail, waitFor, worldConfig, type TestWorld } from './pipeline-fixture.js';
import { integrationServices, skipIntegration, type IntegrationServices } from './services.js';

const EVENTS = 3000;
const KEYS = 30;

/** Seeded vector events over KEYS keys, with a malformed line every 97 events. */
function events(): { key: string; value: string }[] {
  const rng = new SeededRandom(2024);
  return Array.from({ length: EVENTS }, (_, i) => {
    const key = `sensor-${String(rng.int(KEYS)).padStart(2, '0')}`;
    if (i % 97 === 50) return { key, value: `{"key":"${key}","ts":${i},"features":[1,2` };
    const features = [rng.normal(), rng.uniform(-1, 1), rng.normal() * 3];
    return { key, value: JSON.stringify({ key, ts: 1_764_000_000_000 + i * 250, features }) };
  });
}

describe.skipIf(skipIntegration)('pipeline on real Kafka and Redis: parity with the backtest (8a)', () => {
  let services: IntegrationServices;
  let world: TestWorld;
  beforeAll(async () => {
    services = await integrationServices();
    world = await createWorld(services, 'parity');
  });
  afterAll(async () => {
    await world?.cleanup();
    await services?.stop();
  });

  it('predicts each valid event once, as the backtest does, and leaves bit-identical states in Redis', async () => {
    const loaded = await saveTestModel(world.dir, 'vector');
    const { config, file } = await worldConfig(world, loaded.manifestPath);
    const input = events();
    const valid = input.filter((e) => !e.value.endsWith('[1,2')).length;
    await produceInput(world, input);
    const out = await tail(world, world.output);
    const dlq = await tail(world, world.dlq);
    const run = await startInProcess(config, loaded);
    try {
      await waitFor(`${valid} predictions`, () => out.records.length >= valid);
      await waitFor('dead letters', () => dlq.records.length >= input.length - valid);
    } finally {
      await run.stop();
    }
    const reference = await backtest(loaded, input.map((e) => e.value));

    // Exactly one prediction per valid event: distinct source offsets, as many as valid events.
    const sources = new Set(out.records.map(bodySourceOf));
    expect(out.records).toHaveLength(valid);
    expect(sources.size).toBe(valid);
    expect(dlq.records).toHaveLength(input.length - valid);

    // Each prediction equals the backtest's for the same key and step.
    for (const record of out.records) {
      const p = predictionOf(record);
      const expected = reference.predictions.get(p.key)?.[p.step - 1];
      expect(p.output).toEqual(expected?.output);
      expect(p.decoded).toEqual(expected?.decoded);
      expect(p.ts).toBe(expected?.ts);
      expect(record.partition).toBe(partitionForKey(p.key, 3));
    }

    // Final states in Redis equal the backtest's, bit for bit.
    expect(reference.states.size).toBe(KEYS);
    for (const [key, state] of reference.states) {
      const stored = await storedState(config, world.input, partitionForKey(key, 3), key);
      expect(stored).not.toBeNull();
      expect(Buffer.from(stored!.hidden.buffer, stored!.hidden.byteOffset, stored!.hidden.byteLength)).toEqual(
        Buffer.from(state.hidden.buffer, state.hidden.byteOffset, state.hidden.byteLength),
      );
      expect(stored!.memory).toEqual(state.memory);
      expect(stored!.step).toBe(state.step);
      expect(stored!.modelVersion).toBe(loaded.version);
      const last = out.records.map(predictionOf).filter((p) => p.key === key && p.step === state.step)[0];
      expect(String(stored!.lastOffset)).toBe(last.source?.offset);
    }

    // `rnn-stream inspect <key> --json` finds the key's partition and prints the same state.
    const key = 'sensor-07';
    const printed: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    });
    let code: number;
    try {
      code = await main(['node', 'rnn-stream', 'inspect', key, '--config', file, '--json']);
    } finally {
      write.mockRestore();
    }
    expect(code).toBe(0);
    const report = JSON.parse(printed.join('')) as { partition: number; partitionCount: number; step: number; h: number[][]; modelVersion: string };
    const expected = reference.states.get(key)!;
    expect(report).toMatchObject({ partition: partitionForKey(key, 3), partitionCount: 3, step: expected.step, modelVersion: loaded.version });
    expect(report.h.flat()).toEqual(Array.from(expected.hidden));
    await out.stop();
    await dlq.stop();
  }, 240_000);
});
