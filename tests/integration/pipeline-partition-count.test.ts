import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTopics, createWorld, saveTestModel, startInProcess, waitFor, worldConfig, type TestWorld } from './pipeline-fixture.js';
import { integrationServices, skipIntegration, type IntegrationServices } from './services.js';

describe.skipIf(skipIntegration)('pipeline on real Kafka and Redis: input partition count change', () => {
  let services: IntegrationServices;
  let world: TestWorld;
  beforeAll(async () => {
    services = await integrationServices();
    world = await createWorld(services, 'repartition');
  });
  afterAll(async () => {
    await world?.cleanup();
    await services?.stop();
  });

  it('refuses to start when the input topic has more partitions than the state was built with', async () => {
    const loaded = await saveTestModel(world.dir, 'tick');
    const { config } = await worldConfig(world, loaded.manifestPath);
    await createTopics(world);
    const first = await startInProcess(config, loaded);
    await waitFor('partitions assigned', () => first.pipeline.assigned().length === 3);
    await first.stop();

    const admin = world.kafka.admin();
    await admin.connect();
    try {
      await admin.createPartitions({ topicPartitions: [{ topic: world.input, count: 5 }] });
    } finally {
      await admin.disconnect();
    }
    const error = await startInProcess(config, loaded).then(
      async (run) => {
        await run.stop();
        return undefined;
      },
      (e: unknown) => e,
    );
    expect(String(error)).toContain(`input topic ${world.input} has 5 partitions but its state was built with 3`);
  }, 120_000);
});
