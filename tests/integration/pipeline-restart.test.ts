import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partitionForKey } from '../../src/kafka/partition-for-key.js';
import {
  backtest, bodySourceOf, createTopics, createWorld, drained, predictionOf, produceSlowly, saveTestModel, sameState, startInProcess, storedState, tail, ticks, waitFor, worldConfig, type TestWorld,
} from './pipeline-fixture.js';
import { integrationServices, skipIntegration, type IntegrationServices } from './services.js';

const EVENTS = 3000;

describe.skipIf(skipIntegration)('pipeline on real Kafka and Redis: graceful restart (8c)', () => {
  let services: IntegrationServices;
  let world: TestWorld;
  beforeAll(async () => {
    services = await integrationServices();
    world = await createWorld(services, 'restart');
  });
  afterAll(async () => {
    await world?.cleanup();
    await services?.stop();
  });

  it('continues after a graceful stop mid-stream with no loss and no duplicate', async () => {
    const loaded = await saveTestModel(world.dir, 'tick', { cell: 'lstm' });
    const { config } = await worldConfig(world, loaded.manifestPath);
    const input = ticks(EVENTS, 20, 7);
    await createTopics(world);
    const out = await tail(world, world.output);
    const first = await startInProcess(config, loaded);
    await waitFor('partitions assigned to the first worker', () => first.pipeline.assigned().length === 3);
    const producing = produceSlowly(world, input, 100, 100);
    let stoppedAt: number;
    try {
      await waitFor('a third of the predictions', () => out.records.length >= EVENTS / 3);
    } finally {
      await first.stop();
      stoppedAt = out.records.length;
    }
    const second = await startInProcess(config, loaded);
    try {
      await producing;
      await waitFor('every prediction', () => out.records.length >= EVENTS);
      await waitFor('the state watermarks to reach the end of the input', () => drained(world, config));
    } finally {
      await second.stop();
    }
    expect(stoppedAt).toBeLessThan(EVENTS);

    const sources = out.records.map(bodySourceOf);
    expect(out.records).toHaveLength(EVENTS);
    expect(new Set(sources).size).toBe(EVENTS);

    const reference = await backtest(loaded, input.map((e) => e.value));
    for (const record of out.records) {
      const p = predictionOf(record);
      expect(p.output).toEqual(reference.predictions.get(p.key)?.[p.step - 1].output);
    }
    for (const [key, state] of reference.states) {
      expect(sameState(await storedState(config, world.input, partitionForKey(key, 3), key), state)).toBe(true);
    }
    await out.stop();
  }, 240_000);
});
