import { describe, expect, it } from 'vitest';
import { StateLostError } from '../../src/errors/state-lost-error.js';
import { partitionForKey } from '../../src/kafka/partition-for-key.js';
import { RedisKeys } from '../../src/state/redis-keys.js';
import {
  backtest, bodySourceOf, createTopics, worldsOfDescribe, drained, produceInput, saveTestModel, sameState, startInProcess, storedState, tail, ticks, waitFor, worldConfig, type TestWorld,
} from './pipeline-fixture.js';
import { skipIntegration } from './services.js';

/** Whether the group's committed offset of every input partition reached the log end. */
async function committedToEnd(world: TestWorld): Promise<boolean> {
  const admin = world.kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(world.input);
    const [committed] = await admin.fetchOffsets({ groupId: world.group, topics: [world.input] });
    return ends.every((e) => committed.partitions.find((p) => p.partition === e.partition)?.offset === e.high);
  } finally {
    await admin.disconnect();
  }
}

/** Deletes everything Redis holds of one input partition: what a lost AOF tail does to a young partition. */
async function loseState(world: TestWorld, partition: number): Promise<void> {
  const keys = new RedisKeys(world.prefix).partition({ topic: world.input, partition });
  expect(await world.redis.exists(keys.watermark)).toBe(1);
  await world.redis.del(keys.states, keys.watermark, keys.outbox);
}

describe.skipIf(skipIntegration)('pipeline on real Kafka and Redis: Redis loses a partition after Kafka committed past it', () => {
  const newWorld = worldsOfDescribe();

  it('replays the partition from the log start: states equal the replay, repeats are identical', async () => {
    const world = await newWorld('lost-replay');
    const loaded = await saveTestModel(world.dir, 'tick');
    const { config } = await worldConfig(world, loaded.manifestPath);
    const firstHalf = ticks(3000, 30, 17);
    const input = [...firstHalf, ...ticks(3000, 30, 18).map((e, i) => ({ key: e.key, value: e.value.replace(/"ts":\d+/, `"ts":${1_764_000_300_000 + i * 100}`) }))];
    await createTopics(world);
    const out = await tail(world, world.output);

    await produceInput(world, firstHalf);
    const first = await startInProcess(config, loaded);
    try {
      await waitFor('the first half applied', () => drained(world, config));
      await waitFor('the first half committed in Kafka', () => committedToEnd(world));
    } finally {
      await first.stop();
    }
    await loseState(world, 0);
    await loseState(world, 2);

    const second = await startInProcess(config, loaded);
    try {
      await produceInput(world, input.slice(firstHalf.length));
      await waitFor('every event applied', () => drained(world, config));
      await waitFor('a prediction for every event', () => new Set(out.records.map(bodySourceOf)).size === input.length);
    } finally {
      await second.stop();
      await out.stop();
    }

    const bySource = new Map<string, Buffer[]>();
    for (const r of out.records) {
      const source = bodySourceOf(r);
      bySource.set(source, [...(bySource.get(source) ?? []), r.value ?? Buffer.alloc(0)]);
    }
    expect(bySource.size).toBe(input.length);
    const repeatedPartitions = new Set<string>();
    for (const [source, values] of bySource) {
      for (const v of values) expect(v.equals(values[0])).toBe(true);
      if (values.length > 1) repeatedPartitions.add(source.split(':')[0]);
    }
    // The lost partitions were replayed (their first-half predictions came again), the kept one was not.
    expect([...repeatedPartitions].sort()).toEqual(['0', '2']);

    const reference = await backtest(loaded, input.map((e) => e.value));
    for (const [key, state] of reference.states) {
      expect(sameState(await storedState(config, world.input, partitionForKey(key, 3), key), state), key).toBe(true);
    }
  }, 240_000);

  it('refuses with StateLostError under lostStatePolicy refuse', async () => {
    const world = await newWorld('lost-refuse');
    const loaded = await saveTestModel(world.dir, 'tick');
    const { config } = await worldConfig(world, loaded.manifestPath, { redis: { lostStatePolicy: 'refuse' } });
    await produceInput(world, ticks(600, 30, 19));
    const first = await startInProcess(config, loaded);
    try {
      await waitFor('the input applied', () => drained(world, config));
      await waitFor('the input committed in Kafka', () => committedToEnd(world));
    } finally {
      await first.stop();
    }
    await loseState(world, 1);

    const second = await startInProcess(config, loaded);
    let failure: unknown;
    try {
      // Detection happens on the partition's first batch after the load: new events arrive.
      await produceInput(world, ticks(300, 30, 20));
      await second.pipeline.done.catch((error: unknown) => {
        failure = error;
      });
    } finally {
      await second.stop();
    }
    expect(failure).toBeInstanceOf(StateLostError);
    expect((failure as StateLostError).partition).toBe(1);
    expect((failure as Error).message).toContain('--reset-offsets --to-earliest');
    const keys = new RedisKeys(world.prefix).partition({ topic: world.input, partition: 1 });
    expect(await world.redis.exists(keys.watermark)).toBe(0);
  }, 240_000);
});
