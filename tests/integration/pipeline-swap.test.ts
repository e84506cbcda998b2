import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { createLiveModelMetrics } from '../../src/metrics/live-model-metrics.js';
import { createPipelineMetrics } from '../../src/metrics/pipeline-metrics.js';
import { initParams } from '../../src/model/init-params.js';
import { loadModel } from '../../src/model/load-model.js';
import { SeededRandom } from '../../src/model/random.js';
import { RnnModel } from '../../src/model/rnn-model.js';
import { saveModel } from '../../src/model/save-model.js';
import type { Prediction } from '../../src/records/prediction.js';
import { followRegistry } from '../../src/service/follow-registry.js';
import { openLiveModels } from '../../src/service/open-live-models.js';
import { openRegistry } from '../../src/service/open-registry.js';
import type { ModelRegistry } from '../../src/registry/model-registry.js';
import { startKafkaPipeline } from '../../src/service/start-kafka-pipeline.js';
import { RedisStateStore } from '../../src/state/redis-state-store.js';
import { backtest, bodySourceOf, predictionOf, produceSlowly, storedState, tail, ticks, waitFor, worldConfig, worldsOfDescribe } from './pipeline-fixture.js';
import { skipIntegration } from './services.js';

const W = 32;
const EVENTS = 3000;
const SYMBOLS = 12;

/** A seeded market-tick model saved under `dir` (the registry registers it from there). */
async function tickModel(dir: string, cell: 'gru' | 'lstm', seed: number): Promise<string> {
  await mkdir(dir, { recursive: true });
  const spec = { cell, inputSize: 3, hiddenSize: 12, numLayers: 2, outputSize: 2 } as const;
  const model = new RnnModel(spec, initParams(spec, new SeededRandom(seed)));
  const manifest = { name: `swap-${cell}`, features: { kind: 'market' as const, inputs: ['log_return', 'log_volume', 'time_gap'] }, normalisation: { mean: [0, 5, 0.5], std: [0.01, 2, 0.5] } };
  return (await saveModel(dir, manifest, model)).manifestPath;
}

describe.skipIf(skipIntegration)('pipeline on real Kafka and Redis: hot swap from the registry with warm start', () => {
  const world = worldsOfDescribe();

  it("switches to a promoted version during a live stream; each key's first prediction of it equals the new model's backtest over its last W events and the new one", async () => {
    const w = await world('swap');
    const { config } = await worldConfig(w, join(w.dir, 'unused.json'), {
      model: { manifest: null, followRegistry: true, registryCheckMs: 600_000, warmStartInputs: W },
      registry: { store: 'redis', keyPrefix: `${w.prefix}:registry` },
    });
    const logger = pino({ level: config.logging.level });
    // Two registered versions; the first is the champion when the pipeline starts.
    const opened0 = await openLiveModelsWith(config, async (registry) => {
      const a = (await registry.register(await tickModel(join(w.dir, 'a'), 'gru', 1))).info.version;
      const b = (await registry.register(await tickModel(join(w.dir, 'b'), 'lstm', 2))).info.version;
      await registry.promote(a, 'first');
      return { a, b };
    });
    const { a, b } = opened0.versions;
    const live = await openLiveModels(config, logger);
    expect(live.models.current().champion.loaded.version).toBe(a);
    const store = new RedisStateStore({ connection: { url: config.redis.url }, keyPrefix: config.redis.keyPrefix });
    const metrics = createPipelineMetrics(new Registry(), { defaultMetrics: false });
    const out = await tail(w, w.output);
    const input = ticks(EVENTS, SYMBOLS, 77);
    const pipeline = await startKafkaPipeline({ config, models: live.models, store, metrics, logger });
    const follower = await followRegistry({
      registry: live.registry!, models: live.models, checkMs: config.model.registryCheckMs, load: live.load, logger, metrics: createLiveModelMetrics(metrics.registry),
    });
    const producing = produceSlowly(w, input, 50, 50);
    const modelA = await loadModel(await opened0.path(a));
    const modelB = await loadModel(await opened0.path(b));
    try {
      await waitFor('a third of the predictions', () => out.records.length >= EVENTS / 3);
      // The promotion reaches the pipeline through the registry's pub/sub channel (the periodic check is 10 minutes away).
      await opened0.registry.promote(b, 'hot swap under test');
      await waitFor('the pipeline to run the new champion', () => live.models.current().champion.loaded.version === b, 30_000);
      await producing;
      await waitFor(`${EVENTS} predictions`, () => out.records.length >= EVENTS);
    } finally {
      await follower.stop();
      await pipeline.stop();
      await store.close();
      await out.stop();
      await live.registry?.close();
      await opened0.registry.close();
    }

    // Nothing lost, nothing doubled: one prediction per input event.
    expect(out.records).toHaveLength(EVENTS);
    expect(new Set(out.records.map(bodySourceOf)).size).toBe(EVENTS);

    const lines = new Map<string, string[]>();
    for (const e of input) lines.set(e.key, [...(lines.get(e.key) ?? []), e.value]);
    const byKey = new Map<string, Prediction[]>();
    for (const r of out.records) {
      const p = predictionOf(r);
      byKey.set(p.key, [...(byKey.get(p.key) ?? []), p]);
    }
    const referenceA = await backtest(modelA, input.map((e) => e.value));
    let swappedKeys = 0;
    for (const [key, preds] of byKey) {
      preds.sort((x, y) => x.ts - y.ts);
      const firstB = preds.findIndex((p) => p.modelVersion === b);
      // Per key: the old version up to the switch, the new one from it on, never a mix.
      expect(preds.slice(0, firstB).every((p) => p.modelVersion === a), key).toBe(true);
      expect(preds.slice(firstB).every((p) => p.modelVersion === b), key).toBe(true);
      // Before the switch, the old model's backtest over the whole history.
      for (const [i, p] of preds.slice(0, firstB).entries()) expect(p.output, `${key} step ${i + 1}`).toEqual(referenceA.predictions.get(key)?.[i].output);
      if (firstB < 0) continue;
      swappedKeys++;
      const own = lines.get(key)!;
      const last = own.slice(Math.max(0, firstB - W), firstB + 1);
      const expected = (await backtest(modelB, last)).predictions.get(key)!.at(-1)!;
      expect(preds[firstB].step, key).toBe(expected.step);
      expect(preds[firstB].output, key).toEqual(expected.output);
      expect(preds[firstB].step, key).toBe(Math.min(W, firstB) + 1);
    }
    expect(swappedKeys).toBe(SYMBOLS);
    // Every stored state belongs to the new version and keeps the key's last W events.
    for (const key of byKey.keys()) {
      const partition = out.records.find((r) => r.key === key)!;
      const source = predictionOf(partition).source!;
      const state = await storedState(config, w.input, source.partition, key);
      expect(state?.modelVersion).toBe(b);
      expect(state?.recent?.count).toBe(W);
    }
  });
});

/** Opens the world's Redis registry for the test's own moves (register, promote), apart from the pipeline's. */
async function openLiveModelsWith<T>(config: Parameters<typeof openLiveModels>[0], setup: (registry: ModelRegistry) => Promise<T>) {
  const registry = openRegistry(config);
  const versions = await setup(registry);
  return { registry, versions, path: (v: string) => registry.open(v) };
}
