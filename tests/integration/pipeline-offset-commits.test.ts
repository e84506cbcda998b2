import { describe, expect, it } from 'vitest';
import { createTopics, drained, produceInput, saveTestModel, startInProcess, ticks, waitFor, worldConfig, worldsOfDescribe, type TestWorld } from './pipeline-fixture.js';
import { skipIntegration } from './services.js';

/** The group's committed offset of each input partition ("-1": none), and each partition's log end. */
async function positions(world: TestWorld): Promise<{ committed: Map<number, string>; ends: Map<number, string> }> {
  const admin = world.kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(world.input);
    const [group] = await admin.fetchOffsets({ groupId: world.group, topics: [world.input] });
    return {
      committed: new Map(group.partitions.map((p) => [p.partition, p.offset])),
      ends: new Map(ends.map((e) => [e.partition, e.high])),
    };
  } finally {
    await admin.disconnect();
  }
}

async function committedToEnd(world: TestWorld): Promise<boolean> {
  const { committed, ends } = await positions(world);
  return [...ends].every(([p, end]) => committed.get(p) === end);
}

describe.skipIf(skipIntegration)('pipeline on real Kafka and Redis: consumer offsets committed every kafka.commitIntervalMs', () => {
  const newWorld = worldsOfDescribe();

  it('commits nothing per batch while running, and what was handled at a graceful stop', async () => {
    const world = await newWorld('commit-stop');
    const loaded = await saveTestModel(world.dir, 'tick');
    // An interval no test run reaches: every commit seen comes from the stop.
    const { config } = await worldConfig(world, loaded.manifestPath, { kafka: { commitIntervalMs: 3_600_000 } });
    await createTopics(world);
    await produceInput(world, ticks(3000, 30, 23));
    const running = await startInProcess(config, loaded);
    try {
      await waitFor('every event applied', () => drained(world, config));
      const { committed, ends } = await positions(world);
      expect([...ends.values()].every((end) => Number(end) > 0)).toBe(true);
      expect([...committed.values()]).toEqual(['-1', '-1', '-1']);
    } finally {
      await running.stop();
    }
    expect(await committedToEnd(world)).toBe(true);
  });

  it('commits from its timer while running: the group reaches the log end without a stop', async () => {
    const world = await newWorld('commit-timer');
    const loaded = await saveTestModel(world.dir, 'tick');
    const { config } = await worldConfig(world, loaded.manifestPath, { kafka: { commitIntervalMs: 200 } });
    await createTopics(world);
    const running = await startInProcess(config, loaded);
    try {
      await produceInput(world, ticks(3000, 30, 29));
      await waitFor('every event applied', () => drained(world, config));
      await waitFor('the input committed in Kafka', () => committedToEnd(world));
    } finally {
      await running.stop();
    }
  });
});
