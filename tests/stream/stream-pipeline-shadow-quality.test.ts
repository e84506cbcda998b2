import { pino } from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { createPipelineMetrics } from '../../src/metrics/pipeline-metrics.js';
import { initParams } from '../../src/model/init-params.js';
import { parseManifest, type LoadedModel } from '../../src/model/load-model.js';
import { SeededRandom } from '../../src/model/random.js';
import { RnnModel } from '../../src/model/rnn-model.js';
import { LiveQuality } from '../../src/quality/live-quality.js';
import type { Prediction } from '../../src/records/prediction.js';
import { LiveModels } from '../../src/runtime/live-models.js';
import { ModelRuntime } from '../../src/runtime/model-runtime.js';
import { makeBatch, OUT, startHarness } from './pipeline-harness.js';

const SHADOW_TOPIC = 'predictions.shadow';

/** A seeded next_logret tick model. */
function tickModel(version: string, seed: number): LoadedModel {
  const manifest = parseManifest({
    format: 'rnn-stream.model/v1', name: 'tick-model', cell: 'gru', inputSize: 2, hiddenSize: 8, numLayers: 1, outputSize: 1,
    weights: 'unused.safetensors', features: { kind: 'market', inputs: ['log_return', 'log_volume'] },
    normalisation: { mean: [0, 3], std: [0.01, 1] },
    output: { names: ['next_logret'], mean: [0], std: [0.01], decode: 'identity', target: 'next_logret' },
  });
  return { manifest, model: new RnnModel(manifest, initParams(manifest, new SeededRandom(seed))), version, manifestPath: '/dev/null', weightsPath: '/dev/null' };
}

interface Tick {
  readonly symbol: string;
  readonly ts: number;
  readonly price: number;
  readonly volume: number;
}

function ticks(n: number, from = 0): Tick[] {
  return Array.from({ length: n }, (_, j) => {
    const i = from + j;
    return { symbol: `s${i % 3}`, ts: 1_000 + 10 * i, price: 100 * Math.exp(0.01 * Math.sin(1.7 * i) + 0.002 * i), volume: 10 + (i % 5) };
  });
}

const lines = (t: readonly Tick[]) => t.map((x) => ({ key: x.symbol, value: JSON.stringify(x) }));

/**
 * The MSE of the published forecasts against the next log return of their key, from the
 * prediction records and the ticks alone (the scorer is not used).
 */
function publishedMse(predictions: readonly Prediction[], input: readonly Tick[]): { n: number; mse: number } {
  const last = new Map<string, { price: number; forecast: number }>();
  let n = 0;
  let sum = 0;
  input.forEach((t, i) => {
    const before = last.get(t.symbol);
    if (before) {
      const y = Math.log(t.price / before.price);
      sum += (before.forecast - y) ** 2;
      n++;
    }
    const decoded = predictions[i].decoded as Record<string, number>;
    last.set(t.symbol, { price: t.price, forecast: decoded.next_logret });
  });
  return { n, mse: sum / n };
}

describe('stream pipeline: shadow models scored live', () => {
  it("scores a shadow on every event like the champion, exports its series, and drops them when it is unshadowed", async () => {
    const { config } = { config: await loadConfig({ env: {}, sets: ['quality.halfLifeEvents=1000000000'] }) };
    const registry = new Registry();
    const metrics = createPipelineMetrics(registry, { defaultMetrics: false });
    const quality = new LiveQuality({ config: config.quality, metrics, logger: pino({ level: 'silent' }) });
    const champion = new ModelRuntime(tickModel('champ', 1), { recentInputs: 8 });
    const models = new LiveModels(champion, [new ModelRuntime(tickModel('shadow', 2), { recentInputs: 8 })]);
    quality.follow(models);
    const h = startHarness({ loaded: champion.loaded, models, quality, shadowTopic: SHADOW_TOPIC, metrics });
    const input = ticks(40);
    expect((await h.feed(makeBatch(0, 0, lines(input.slice(0, 17))))).status).toBe('committed');
    expect((await h.feed(makeBatch(0, 17, lines(input.slice(17))))).status).toBe('committed');

    const published = h.sink.records(OUT).map((r) => JSON.parse(String(r.value)) as Prediction);
    const shadowed = h.sink.records(SHADOW_TOPIC).map((r) => JSON.parse(String(r.value)) as Prediction);
    expect(published).toHaveLength(40);
    expect(shadowed).toHaveLength(40);
    const scores = new Map(quality.scores().map((s) => [s.version, s]));
    expect([...scores.keys()].sort()).toEqual(['champ', 'shadow']);
    for (const [version, records] of [['champ', published], ['shadow', shadowed]] as const) {
      const want = publishedMse(records, input);
      const got = scores.get(version)!;
      expect(got.scored).toBe(want.n);
      // The half-life is so long that the rolling mean is the plain mean to well within 1e-6.
      expect(Math.abs(got.modelLoss.mse - want.mse)).toBeLessThanOrEqual(1e-6 * want.mse);
    }
    // Two different models: their errors differ, so each was scored on its own predictions.
    expect(scores.get('champ')!.modelLoss.mse).not.toBe(scores.get('shadow')!.modelLoss.mse);
    const text = await registry.metrics();
    expect(text).toMatch(/rnn_stream_live_scored_total\{model="tick-model",version="shadow"\} 37/);
    expect(text).toMatch(/rnn_stream_live_scored_total\{model="tick-model",version="champ"\} 37/);

    // Unshadowed: the shadow's scorer and every series of its version go; the champion's stay.
    models.replace({ champion, shadows: [] });
    expect(quality.scores().map((s) => s.version)).toEqual(['champ']);
    expect(await registry.metrics()).not.toContain('version="shadow"');
    expect((await h.feed(makeBatch(0, 40, lines(ticks(6, 40))))).status).toBe('committed');
    expect(quality.scores().map((s) => [s.version, s.scored])).toEqual([['champ', 43]]);
    expect(await registry.metrics()).not.toContain('version="shadow"');
  });
});
