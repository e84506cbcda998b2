import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partitionForKey } from '../../src/kafka/partition-for-key.js';
import {
  backtest, bodySourceOf, createTopics, createWorld, drained, predictionOf, produceSlowly, saveTestModel, sameState, storedState, tail, ticks, waitFor, worldConfig, type TestWorld,
} from './pipeline-fixture.js';
import { integrationServices, skipIntegration, type IntegrationServices } from './services.js';

const EVENTS = 3000;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));


describe.skipIf(skipIntegration)('pipeline on real Kafka and Redis: `run --workers 2`', () => {
  let services: IntegrationServices;
  let world: TestWorld;
  let child: ChildProcess | undefined;
  const log: string[] = [];
  beforeAll(async () => {
    services = await integrationServices();
    world = await createWorld(services, 'workers');
  });
  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await world?.cleanup();
    await services?.stop();
  });

  it('runs two consumers of one group that share the partitions; every event predicted, states equal to an offline replay', async () => {
    const loaded = await saveTestModel(world.dir, 'tick');
    const { config, file } = await worldConfig(world, loaded.manifestPath, { logging: { level: 'info' } });
    const input = ticks(EVENTS, 25, 41);
    await createTopics(world);
    const out = await tail(world, world.output);
    child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', 'run', '--workers', '2', '--config', file], {
      cwd: ROOT,
      env: { ...process.env, KAFKAJS_NO_PARTITIONER_WARNING: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => log.push(d.toString()));
    child.stderr?.on('data', (d: Buffer) => log.push(d.toString()));
    const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
    const assignments = (): { worker: number; partitions: number[] }[] =>
      log.join('').split('\n').filter((l) => l.includes('"partitions assigned"')).map((l) => JSON.parse(l) as { worker: number; partitions: number[] });
    let code: number | null;
    try {
      // Both workers are in the group with partitions of their own before the input arrives.
      await waitFor('both workers holding partitions', () => {
        const latest = new Map(assignments().map((a) => [a.worker, a.partitions]));
        return latest.size === 2 && [...latest.values()].every((p) => p.length > 0);
      }, 180_000);
      await produceSlowly(world, input, 200, 50);
      await waitFor('a prediction for every event', () => new Set(out.records.map(bodySourceOf)).size >= EVENTS, 180_000);
      await waitFor('the state watermarks to reach the end of the input', () => drained(world, config));
      child.kill('SIGTERM');
      [code] = await exited;
    } catch (error) {
      process.stderr.write(`run --workers output:\n${log.join('').slice(-6000)}\n`);
      throw error;
    } finally {
      await out.stop();
    }
    expect(code).toBe(0);

    // The two workers held disjoint sets of partitions covering all three.
    const latest = new Map(assignments().map((a) => [a.worker, a.partitions]));
    expect([...latest.keys()].sort()).toEqual([0, 1]);
    expect([...latest.values()].flat().sort()).toEqual([0, 1, 2]);

    // Every event has its prediction, each equal to the offline replay's for that key and step.
    const reference = await backtest(loaded, input.map((e) => e.value));
    expect(new Set(out.records.map(bodySourceOf)).size).toBe(EVENTS);
    for (const record of out.records) {
      const p = predictionOf(record);
      expect(p.output).toEqual(reference.predictions.get(p.key)?.[p.step - 1]?.output);
    }
    // The states in Redis equal the replay's, bit for bit.
    for (const [key, state] of reference.states) {
      expect(sameState(await storedState(config, world.input, partitionForKey(key, 3), key), state)).toBe(true);
    }
  }, 420_000);
});
