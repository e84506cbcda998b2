/**
 * Live quality on real Kafka and Redis: `runService` scores every key's previous prediction at
 * its next tick; the exported rnn_stream_live_* series and the Redis record are checked against
 * scores computed here independently from the input topic's ticks and the output topic's
 * predictions. The service is stopped and started again between two halves of the input, so the
 * first tick of each key after the restart is scored against the prediction made before it.
 */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/model/load-model.js';
import { initParams } from '../../src/model/init-params.js';
import { SeededRandom } from '../../src/model/random.js';
import { RnnModel } from '../../src/model/rnn-model.js';
import { saveModel } from '../../src/model/save-model.js';
import type { Prediction } from '../../src/records/prediction.js';
import type { LiveScoresRecord } from '../../src/quality/publish-live-scores.js';
import { runService } from '../../src/service/run-service.js';
import { drained, predictionOf, produceInput, tail, ticks, waitFor, worldConfig, worldsOfDescribe } from './pipeline-fixture.js';
import { skipIntegration } from './services.js';

const TRAIN_MEAN = 2e-5;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** The scores of `events` (per key, in order; with the key's prices and predictions before them), computed from the definitions. */
function reference(events: readonly { key: string; price: number }[], history: Map<string, { price: number; prevReturn: number | null; forecast: number }>, forecasts: Map<string, number[]>) {
  let n = 0;
  const sums = { mse: 0, mae: 0, bmse: 0, bmae: 0 };
  const next = new Map<string, number>();
  for (const e of events) {
    const h = history.get(e.key);
    const i = next.get(e.key) ?? 0;
    const forecast = forecasts.get(e.key)![i];
    next.set(e.key, i + 1);
    if (h) {
      const y = Math.log(e.price / h.price);
      const base = h.prevReturn ?? TRAIN_MEAN;
      sums.mse += (h.forecast - y) ** 2;
      sums.mae += Math.abs(h.forecast - y);
      sums.bmse += (base - y) ** 2;
      sums.bmae += Math.abs(base - y);
      n++;
      history.set(e.key, { price: e.price, prevReturn: y, forecast });
    } else {
      history.set(e.key, { price: e.price, prevReturn: null, forecast });
    }
  }
  return { n, mse: sums.mse / n, mae: sums.mae / n, bmse: sums.bmse / n, bmae: sums.bmae / n, skill: 1 - sums.mse / sums.bmse };
}

/** Relative closeness; the half-life is so long that the rolling mean is the plain mean to ~1e-6. */
function near(actual: number | undefined | null, expected: number): void {
  expect(actual).toBeDefined();
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(1e-5 * Math.abs(expected));
}

describe.skipIf(skipIntegration)('live quality on real Kafka and Redis', () => {
  const world = worldsOfDescribe();

  it('exports scores and a Redis record equal to scores computed independently from the input and output topics, across a restart', async () => {
    const w = await world('live-quality');
    const spec = { cell: 'gru', inputSize: 3, hiddenSize: 16, numLayers: 1, outputSize: 1 } as const;
    const saved = await saveModel(w.dir, {
      name: 'it-live',
      features: { kind: 'market', inputs: ['log_return', 'log_volume', 'time_gap'] },
      normalisation: { mean: [0, 5, 0.5], std: [0.01, 2, 0.5] },
      output: { names: ['next_logret'], mean: [TRAIN_MEAN], std: [0.002], decode: 'identity', target: 'next_logret' },
      metrics: { validation: { model: { mse: 4e-6, mae: 1.6e-3, n: 100 }, baselines: { train_mean: { mse: 4.4e-6 }, last_value: { mse: 4.2e-6 }, linear_ls: { mse: 1e-6 } } } },
    }, new RnnModel(spec, initParams(spec, new SeededRandom(23))));
    const loaded = await loadModel(saved.manifestPath);
    const port = await freePort();
    const { config } = await worldConfig(w, saved.manifestPath, {
      metrics: { port },
      quality: { halfLifeEvents: 1e9, publishIntervalMs: 200, drift: { threshold: 1e12 } },
    });
    const all = ticks(1600, 10, 41);
    const halves = [all.slice(0, 700), all.slice(700)];
    const out = await tail(w, w.output);
    const history = new Map<string, { price: number; prevReturn: number | null; forecast: number }>();
    const liveKey = `${w.prefix}:live:{${w.group}}:${loaded.version}`;
    let produced = 0;
    for (const [run, half] of halves.entries()) {
      await produceInput(w, half);
      produced += half.length;
      const stop = new AbortController();
      const service = runService(config, { signal: stop.signal, received: () => undefined, dispose: () => undefined });
      let text = '';
      try {
        await waitFor('every prediction', () => out.records.length >= produced);
        await waitFor('the state watermarks', () => drained(w, config));
        text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      } finally {
        stop.abort();
        await service;
      }
      // Independent scores from the topics: each key's ticks in production order, its predictions by step.
      const forecasts = new Map<string, number[]>();
      const predictions = out.records.map(predictionOf).sort((a: Prediction, b: Prediction) => a.step - b.step);
      for (const p of predictions) {
        const list = forecasts.get(p.key) ?? [];
        if (list.length < p.step) list.push((p.decoded as Record<string, number>).next_logret);
        forecasts.set(p.key, list);
      }
      const seenBefore = new Map<string, number>();
      for (const m of halves.slice(0, run).flat()) seenBefore.set(m.key, (seenBefore.get(m.key) ?? 0) + 1);
      const ahead = new Map([...forecasts].map(([k, v]) => [k, v.slice(seenBefore.get(k) ?? 0)]));
      const ref = reference(half.map((m) => ({ key: m.key, price: (JSON.parse(m.value) as { price: number }).price })), history, ahead);
      const labels = `model="it-live",version="${loaded.version}"`;
      expect(sample(text, `rnn_stream_live_scored_total{${labels}}`)).toBe(ref.n);
      // After the restart every key is known: each of the half's events is scored.
      if (run === 1) expect(ref.n).toBe(half.length);
      near(sample(text, `rnn_stream_live_error{${labels},predictor="model",measure="mse"}`), ref.mse);
      near(sample(text, `rnn_stream_live_error{${labels},predictor="model",measure="mae"}`), ref.mae);
      near(sample(text, `rnn_stream_live_error{${labels},predictor="baseline",measure="mse"}`), ref.bmse);
      near(sample(text, `rnn_stream_live_error{${labels},predictor="baseline",measure="mae"}`), ref.bmae);
      near(sample(text, `rnn_stream_live_skill_ratio{${labels}}`), ref.skill);
      expect(sample(text, `rnn_stream_live_baseline_info{${labels},baseline="last_value",measure="mse",target="next_logret"}`)).toBe(1);
      // The last write at the stop carries the final scores.
      const fields = await w.redis.hgetall(liveKey);
      expect(Object.keys(fields)).toHaveLength(1);
      const record = JSON.parse(Object.values(fields)[0]) as LiveScoresRecord;
      expect(record.scored).toBe(ref.n);
      near(record.modelLoss.mse, ref.mse);
      near(record.baselineLoss.mse, ref.bmse);
      near(record.skill, ref.skill);
      expect(record.baseline).toBe('last_value');
      expect(await w.redis.pttl(liveKey)).toBeGreaterThan(0);
      await w.redis.del(liveKey);
    }
    await out.stop();
  }, 300_000);
});
