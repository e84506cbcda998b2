import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createLiveModelMetrics } from '../../src/metrics/live-model-metrics.js';
import { loadModel } from '../../src/model/load-model.js';
import { FilesystemRegistry } from '../../src/registry/filesystem-registry.js';
import { LiveModels } from '../../src/runtime/live-models.js';
import { ModelRuntime } from '../../src/runtime/model-runtime.js';
import { followRegistry } from '../../src/service/follow-registry.js';
import { savedModel } from '../registry/registry-contract.js';

async function setup() {
  const registry = new FilesystemRegistry({ directory: await mkdtemp(join(tmpdir(), 'rnn-stream-follow-')) });
  const a = (await registry.register(await savedModel(31))).info.version;
  const b = (await registry.register(await savedModel(32))).info.version;
  const c = (await registry.register(await savedModel(33))).info.version;
  await registry.promote(a, 'first');
  const load = async (v: string) => new ModelRuntime(await loadModel(await registry.open(v)), { recentInputs: 4 });
  const models = new LiveModels(await load(a));
  const prom = new Registry();
  // Notifications off: only the periodic check can see changes.
  const deaf = Object.assign(Object.create(registry) as FilesystemRegistry, { watchChampion: async () => async () => undefined });
  return { registry, deaf, a, b, c, load, models, prom, metrics: createLiveModelMetrics(prom) };
}

describe('followRegistry', () => {
  it('applies a promotion and a shadow change found by the periodic check when no notification comes', async () => {
    const { registry, deaf, a, b, c, load, models, prom, metrics } = await setup();
    const follower = await followRegistry({ registry: deaf, models, checkMs: 100, load, logger: pino({ level: 'silent' }), metrics });
    try {
      await registry.promote(b, 'better');
      await registry.addShadow(c, 'try c');
      await expect.poll(() => models.current().champion.loaded.version, { timeout: 10_000 }).toBe(b);
      await expect.poll(() => models.current().shadows.map((s) => s.loaded.version), { timeout: 10_000 }).toEqual([c]);
      expect(await prom.getSingleMetricAsString('rnn_stream_model_swaps_total')).toMatch(/result="applied"} [12]$/m);
      await registry.rollback('back');
      await expect.poll(() => models.current().champion.loaded.version, { timeout: 10_000 }).toBe(a);
    } finally {
      await follower.stop();
    }
  });

  it('keeps serving the running model when the registry cannot be read, and catches up once it can', async () => {
    const { registry, deaf, b, load, models, metrics } = await setup();
    let broken = true;
    const flaky = Object.assign(Object.create(deaf) as FilesystemRegistry, {
      champion: async () => {
        if (broken) throw new Error('registry unreachable');
        return registry.champion();
      },
    });
    const before = models.current().champion.loaded.version;
    const follower = await followRegistry({ registry: flaky, models, checkMs: 100, load, logger: pino({ level: 'silent' }), metrics });
    try {
      await registry.promote(b, 'better');
      await follower.check();
      expect(models.current().champion.loaded.version).toBe(before);
      broken = false;
      await expect.poll(() => models.current().champion.loaded.version, { timeout: 10_000 }).toBe(b);
    } finally {
      await follower.stop();
    }
  });
});
