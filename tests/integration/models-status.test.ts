import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { formatModelsStatus, modelsStatus } from '../../src/cli/commands/models-status.js';
import { loadConfig } from '../../src/config/load-config.js';
import { loadModel } from '../../src/model/load-model.js';
import type { LiveScores } from '../../src/quality/live-scorer.js';
import { publishLiveScores } from '../../src/quality/publish-live-scores.js';
import { FilesystemRegistry } from '../../src/registry/filesystem-registry.js';
import { LiveModels } from '../../src/runtime/live-models.js';
import { ModelRuntime } from '../../src/runtime/model-runtime.js';
import { publishLiveStatus } from '../../src/service/live-status.js';
import { RedisKeys } from '../../src/state/redis-keys.js';
import { savedModel } from '../registry/registry-contract.js';
import { waitFor } from './pipeline-fixture.js';
import { integrationServices, skipIntegration, uniqueName } from './services.js';

/** Scores as a worker's LiveScorer reports them (regression, primary measure mse). */
function scores(version: string, scored: number, mse: number, baselineMse: number, drift: { statistic: number; detections: number }): LiveScores {
  return {
    model: 'm', version, target: 'next_logret', baseline: 'last_value', primary: 'mse', scored,
    modelLoss: { mse, mae: Math.sqrt(mse), qlike: NaN, hitRate: NaN },
    baselineLoss: { mse: baselineMse, mae: Math.sqrt(baselineMse), qlike: NaN, hitRate: NaN },
    skill: 1 - mse / baselineMse,
    drift: { ...drift, lastDetectionMs: drift.detections > 0 ? 1_000 : null, reference: 1 },
  };
}

describe.skipIf(skipIntegration)('rnn-stream models status on a real Redis', () => {
  it("shows the registry's champion and shadows, what each worker runs, and each live model's scores from the workers' live-score hashes; an unshadowed version leaves them", async () => {
    const services = await integrationServices();
    const prefix = uniqueName('it-status');
    const dir = await mkdtemp(join(tmpdir(), `${prefix}-`));
    const config = await loadConfig({ env: {}, sets: [`redis.url=${services.redisUrl}`, `redis.keyPrefix=${prefix}`, `registry.directory=${join(dir, 'registry')}`, 'kafka.groupId=g1'] });
    const registry = new FilesystemRegistry({ directory: join(dir, 'registry') });
    const a = (await registry.register(await savedModel(41))).info.version;
    const b = (await registry.register(await savedModel(42))).info.version;
    await registry.promote(a, 'first');
    await registry.addShadow(b, 'try');
    const redis = new Redis(services.redisUrl);
    const keys = new RedisKeys(prefix);
    const logger = { warn: (o: unknown) => expect.fail(`unexpected warning ${JSON.stringify(o)}`) };
    // Two workers: w1 scores the champion and the shadow, w2 the champion only.
    let w1Scores = [scores(a, 300, 1e-4, 2e-4, { statistic: 3, detections: 1 }), scores(b, 300, 3e-4, 2e-4, { statistic: 7, detections: 0 })];
    const w1 = publishLiveScores({ redis, keys, group: 'g1', intervalMs: 50, source: () => w1Scores, halfLifeEvents: 500, driftThreshold: 50, logger, worker: 'host:1', now: () => 5_000 });
    const w2 = publishLiveScores({
      redis, keys, group: 'g1', intervalMs: 60_000, source: () => [scores(a, 100, 3e-4, 2e-4, { statistic: 9, detections: 2 })],
      halfLifeEvents: 500, driftThreshold: 50, logger, worker: 'host:2', now: () => 6_000,
    });
    try {
      const runtime = async (v: string) => new ModelRuntime(await loadModel(await registry.open(v)));
      const models = new LiveModels(await runtime(a), [await runtime(b)]);
      const publish = publishLiveStatus({ redis, keys, group: 'g1', models, metricsUrl: 'http://w1:9464', assigned: () => [0, 2], registryChampion: () => a, ttlMs: 60_000 }, 'host:1');
      expect(await publish()).toBeNull();
      await w2(); // stops it after one write
      await waitFor("the first worker's scores", async () => (await redis.hlen(keys.liveScores('g1', b))) === 1, 10_000);

      const status = await modelsStatus(config, registry);
      expect(status.group).toBe('g1');
      expect(status.registry).toEqual({ champion: a, shadows: [b] });
      expect(status.workers).toMatchObject([{ instance: 'host:1', group: 'g1', champion: a, shadows: [b], partitions: [0, 2], registryChampion: null }]);
      expect(status.scores.map((v) => [v.role, v.version, v.workers, v.scored])).toEqual([['champion', a, 2, 400], ['shadow', b, 1, 300]]);
      const [champion, shadow] = status.scores;
      // Weighted by events scored: (300 * 1e-4 + 100 * 3e-4) / 400 = 1.5e-4; baseline 2e-4 on both.
      expect(champion.modelLoss.mse).toBeCloseTo(1.5e-4, 15);
      expect(champion.baselineLoss.mse).toBeCloseTo(2e-4, 15);
      expect(champion.skill).toBeCloseTo(0.25, 12);
      expect(champion.modelLoss.qlike).toBeNull();
      expect(champion.drift).toEqual({ statistic: 9, threshold: 50, detections: 3, lastDetectionMs: 1_000 });
      expect(champion.updatedAt).toBe(6_000);
      expect(shadow.skill).toBeCloseTo(-0.5, 12);
      const text = formatModelsStatus(status, 16_000);
      expect(text).toContain(`registry: champion ${a}; shadows ${b}`);
      expect(text).toMatch(new RegExp(`champion +${a} +next_logret +mse +1\\.500e-4 +2\\.000e-4 \\(last_value\\) +0\\.2500 +400 +2 +9\\.0000 / 50\\.0000 +3 \\(last 15 s ago\\) +10 s ago`));
      expect(text).toMatch(new RegExp(`shadow +${b} +next_logret +mse +3\\.000e-4 +2\\.000e-4 \\(last_value\\) +-0\\.5000 +300 +1`));

      // Unshadowed: the worker scores the champion only; its field of the shadow's hash is deleted.
      await registry.removeShadow(b, 'done');
      models.replace({ champion: models.current().champion, shadows: [] });
      expect(await publish()).toBeNull();
      w1Scores = [w1Scores[0]];
      await waitFor("the shadow's scores to leave Redis", async () => (await redis.exists(keys.liveScores('g1', b))) === 0, 10_000);
      const after = await modelsStatus(config, registry, { group: 'g1' });
      expect(after.scores.map((v) => [v.role, v.version])).toEqual([['champion', a]]);
      expect(after.workers).toMatchObject([{ instance: 'host:1', champion: a, shadows: [] }]);
      expect(formatModelsStatus(after)).not.toContain(b);
    } finally {
      await w1();
      await redis.del(keys.workerStatus('g1', 'host:1'), keys.liveScores('g1', a), keys.liveScores('g1', b));
      redis.disconnect();
    }
  });

  it('says so when no worker publishes anything for the deployment', async () => {
    const services = await integrationServices();
    const prefix = uniqueName('it-status-empty');
    const dir = await mkdtemp(join(tmpdir(), `${prefix}-`));
    const config = await loadConfig({ env: {}, sets: [`redis.url=${services.redisUrl}`, `redis.keyPrefix=${prefix}`, `registry.directory=${join(dir, 'registry')}`, 'kafka.groupId=g2'] });
    const registry = new FilesystemRegistry({ directory: join(dir, 'registry') });
    const text = formatModelsStatus(await modelsStatus(config, registry));
    expect(text).toContain('registry: champion none; shadows none');
    expect(text).toContain('no worker publishes what it runs');
    expect(text).toContain('live scores (rolling means; over workers, weighted by events scored):\n  none published');
  });
});
