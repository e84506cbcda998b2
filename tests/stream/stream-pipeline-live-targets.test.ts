/**
 * Live scoring of vector and token models through the pipeline (decoder, scorer, fold), on
 * models whose predictions are known by construction, against scores worked out by hand:
 * - a vector `value` model whose head ignores h (a constant forecast);
 * - a many-to-one vector `class` model likewise;
 * - a `next_token` model that predicts "the current id + 1" (one-hot embedding, no recurrence,
 *   a permutation head), scored at the key's next token within a sequence.
 */
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
import type { LiveScores } from '../../src/quality/live-scorer.js';
import { LiveModels } from '../../src/runtime/live-models.js';
import { ModelRuntime } from '../../src/runtime/model-runtime.js';
import { makeBatch, startHarness } from './pipeline-harness.js';

/** Runs `lines` through a pipeline scoring `loaded`; returns its scores (the half-life is so long that rolling means are plain means). */
async function scoresOf(loaded: LoadedModel, lines: readonly object[], firstBatch = lines.length): Promise<LiveScores> {
  const config = await loadConfig({ env: {}, sets: ['quality.halfLifeEvents=1000000000'] });
  const metrics = createPipelineMetrics(new Registry(), { defaultMetrics: false });
  const quality = new LiveQuality({ config: config.quality, metrics, logger: pino({ level: 'silent' }) });
  const h = startHarness({ loaded, models: new LiveModels(new ModelRuntime(loaded)), quality, metrics });
  const records = lines.map((l) => ({ key: (l as { key: string }).key, value: JSON.stringify(l) }));
  expect((await h.feed(makeBatch(0, 0, records.slice(0, firstBatch)))).status).toBe('committed');
  if (firstBatch < records.length) expect((await h.feed(makeBatch(0, firstBatch, records.slice(firstBatch)))).status).toBe('committed');
  const scores = quality.scores();
  expect(scores).toHaveLength(1);
  return scores[0];
}

/** A vector model whose head output is `bias` whatever the input (head weights 0). */
function constantVectorModel(opts: { outputSize: number; bias: number[]; output: object; outputMode?: 'many_to_one'; metrics?: object }): LoadedModel {
  const manifest = parseManifest({
    format: 'rnn-stream.model/v1', name: 'vec', cell: 'gru', inputSize: 2, hiddenSize: 4, numLayers: 1, outputSize: opts.outputSize,
    weights: 'unused.safetensors', output: opts.output, ...(opts.outputMode ? { outputMode: opts.outputMode } : {}), ...(opts.metrics ? { metrics: opts.metrics } : {}),
  });
  const params = initParams(manifest, new SeededRandom(5));
  params.headWeight.fill(0);
  params.headBias.set(opts.bias);
  return { manifest, model: new RnnModel(manifest, params), version: 'v-vec', manifestPath: '/dev/null', weightsPath: '/dev/null' };
}

const close = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));

describe('live scoring of vector and token models', () => {
  it('scores a value model against each event\'s own target, averaged over its numbers, next to the training mean', async () => {
    // yhat = out * std + mean = [0.5 * 2 + 1, -1 * 0.5 + 2] = [2, 1.5]; the train_mean baseline is [1, 2].
    const loaded = constantVectorModel({ outputSize: 2, bias: [0.5, -1], output: { names: ['a', 'b'], mean: [1, 2], std: [2, 0.5], decode: 'identity', target: 'value' } });
    const s = await scoresOf(loaded, [
      { key: 'k', ts: 1, features: [0, 1], target: [3, 1] }, // model: (2-3)^2, (1.5-1)^2 -> se 0.625, ae 0.75; baseline: 4, 1 -> 2.5, 1.5
      { key: 'k', ts: 2, features: [1, 0] }, // no target: not scored
      { key: 'j', ts: 3, features: [1, 1], target: [1, 2, 3] }, // wrong width: not scored
      { key: 'j', ts: 4, features: [1, 1], target: 'x' }, // not numbers: not scored (still applied)
      { key: 'k', ts: 5, features: [2, 2], target: [2, 2] }, // model: 0, 0.25 -> 0.125, 0.25; baseline: 1, 0 -> 0.5, 0.5
    ], 3);
    expect([s.target, s.baseline, s.primary, s.scored]).toEqual(['value', 'train_mean', 'mse', 2]);
    close(s.modelLoss.mse, (0.625 + 0.125) / 2);
    close(s.modelLoss.mae, (0.75 + 0.25) / 2);
    close(s.baselineLoss.mse, (2.5 + 0.5) / 2);
    close(s.baselineLoss.mae, (1.5 + 0.5) / 2);
    close(s.skill, 1 - 0.375 / 1.5);
  });

  it('weighs a one-number value model against the key\'s previous target when last_value is its best recorded baseline', async () => {
    // yhat = 0.25 * 4 + 0 = 1; last_value: the key's previous target, the training mean (0) before its first.
    const loaded = constantVectorModel({
      outputSize: 1, bias: [0.25], output: { names: ['y'], mean: [0], std: [4], decode: 'identity', target: 'value' },
      metrics: { validation: { model: { mse: 1 }, baselines: { train_mean: { mse: 3 }, last_value: { mse: 2 }, linear_ls: { mse: 0.5 } } } },
    });
    const s = await scoresOf(loaded, [
      { key: 'k', ts: 1, features: [0, 0], target: 3 }, // model (1-3)^2 = 4, |.| 2; baseline 0: 9, 3
      { key: 'k', ts: 2, features: [0, 0], target: 2 }, // model 1, 1; baseline 3: 1, 1
      { key: 'k', ts: 3, features: [0, 0], target: -1 }, // model 4, 2; baseline 2: 9, 3
    ]);
    expect([s.baseline, s.scored]).toEqual(['last_value', 3]);
    close(s.modelLoss.mse, 3);
    close(s.baselineLoss.mse, 19 / 3);
    close(s.baselineLoss.mae, 7 / 3);
    close(s.skill, 1 - 3 / (19 / 3));
  });

  it('scores a many-to-one class model at sequence ends only, against last_class from the key\'s previous target', async () => {
    // argmax of [0, 2, 1] is class 1, always.
    const loaded = constantVectorModel({ outputSize: 3, bias: [0, 2, 1], outputMode: 'many_to_one', output: { names: ['a', 'b', 'c'], decode: 'softmax', target: 'class' } });
    const s = await scoresOf(loaded, [
      { key: 'k', ts: 1, features: [0, 0], target: 2 }, // not an end: not scored (its class is still the key's latest)
      { key: 'k', ts: 2, features: [0, 0], target: 1, end: true }, // model 1 hit; baseline 2 miss
      { key: 'k', ts: 3, features: [0, 0], target: 0, end: true }, // model miss; baseline 1 miss
      { key: 'k', ts: 4, features: [0, 0], target: 1, end: true }, // model hit; baseline 0 miss
      { key: 'q', ts: 5, features: [0, 0], target: 1, end: true }, // the key's first class: no baseline yet, not scored
      { key: 'q', ts: 6, features: [0, 0], target: 1.5, end: true }, // not a class index: not scored
      { key: 'q', ts: 7, features: [0, 0], target: 1, end: true }, // model hit; baseline 1 hit
    ]);
    expect([s.target, s.baseline, s.primary, s.scored]).toEqual(['class', 'last_class', 'miss_rate', 4]);
    close(s.modelLoss.hitRate, 3 / 4);
    close(s.baselineLoss.hitRate, 1 / 4);
    close(s.skill, 1 - (1 / 4) / (3 / 4));
  });

  it('scores a next_token model at the key\'s next token within a sequence, against repeating the current token', async () => {
    // One-hot embedding, no recurrence (W_hh = 0, no biases): h = tanh(e_id); head out_k = h_(k-1 mod 4):
    // the model predicts id + 1 (mod 4) after token id.
    const V = 4;
    const manifest = parseManifest({
      format: 'rnn-stream.model/v1', name: 'lm', cell: 'rnn_tanh', inputSize: V, hiddenSize: V, numLayers: 1, outputSize: V, weights: 'unused.safetensors',
      features: { kind: 'token', vocabulary: { tokens: ['<unk>', 'a', 'b', 'c'], unknownId: 0 } },
      output: { names: ['<unk>', 'a', 'b', 'c'], decode: 'softmax', target: 'next_token' },
    });
    const params = initParams(manifest, new SeededRandom(1));
    const layer = params.layers[0];
    layer.weightIh.fill(0);
    layer.weightHh.fill(0);
    layer.biasIh.fill(0);
    layer.biasHh.fill(0);
    for (let i = 0; i < V; i++) layer.weightIh[i * V + i] = 1;
    params.headWeight.fill(0);
    params.headBias.fill(0);
    for (let k = 0; k < V; k++) params.headWeight[k * V + ((k + V - 1) % V)] = 1;
    const embedding = new Float32Array(V * V);
    for (let i = 0; i < V; i++) embedding[i * V + i] = 1;
    const loaded: LoadedModel = { manifest, model: new RnnModel(manifest, params), embedding, version: 'v-lm', manifestPath: '/dev/null', weightsPath: '/dev/null' };
    const s = await scoresOf(loaded, [
      { key: 'd', ts: 1, id: 1 }, // first token: nothing to score
      { key: 'd', ts: 2, id: 2 }, // model 2 hit; baseline 1 miss
      { key: 'd', ts: 3, id: 3 }, // model 3 hit; baseline 2 miss
      { key: 'd', ts: 4, id: 3 }, // model 0 miss; baseline 3 hit
      { key: 'd', ts: 5, id: 1, end: true }, // model 0 miss; baseline 3 miss
      { key: 'd', ts: 6, id: 2 }, // after an end: a new sequence, not scored
      { key: 'd', ts: 7, id: 3 }, // model 3 hit; baseline 2 miss
    ], 4);
    expect([s.target, s.baseline, s.primary, s.scored]).toEqual(['next_token', 'last_token', 'miss_rate', 5]);
    close(s.modelLoss.hitRate, 3 / 5);
    close(s.baselineLoss.hitRate, 1 / 5);
    close(s.skill, 1 - (2 / 5) / (4 / 5));
  });
});
