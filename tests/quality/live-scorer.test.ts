import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { TickEvent } from '../../src/events/model-event.js';
import { initParams } from '../../src/model/init-params.js';
import { parseManifest, type LoadedModel } from '../../src/model/load-model.js';
import { SeededRandom } from '../../src/model/random.js';
import { RnnModel } from '../../src/model/rnn-model.js';
import { liveScoreSpec, type LiveScoreSpec } from '../../src/quality/live-score-spec.js';
import { LiveScorer } from '../../src/quality/live-scorer.js';
import { ModelRuntime } from '../../src/runtime/model-runtime.js';
import type { KeyState } from '../../src/state/key-state.js';

/** Written by tests/fixtures/live-quality/gen_live_quality.py (pure Python, from the documented definitions). */
interface Fixture {
  readonly halfLifeEvents: number;
  readonly drift: { delta: number; lambda: number; minEvents: number };
  readonly events: readonly { key: string; ts: number; price: number }[];
  readonly cases: readonly {
    name: string;
    output: Record<string, unknown>;
    metrics: Record<string, unknown>;
    ewmaAlpha: number;
    hiddenSize: number;
    hidden: readonly number[][];
    expected: {
      baseline: string;
      primary: string;
      scored: number;
      model: Record<string, number>;
      baseline_: Record<string, number>;
      skill: number;
      detections: number;
      statistics: readonly number[];
      reference: number;
    };
  }[];
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/live-quality/live-quality.json', import.meta.url), 'utf8')) as Fixture;

/** A one-layer tick model whose head copies h: the prediction after a step is whatever h the test puts there. */
function model(c: Fixture['cases'][number]): LoadedModel {
  const outputSize = c.output.decode === 'softmax' ? 3 : 1;
  const manifest = parseManifest({
    format: 'rnn-stream.model/v1', name: `live-${c.name}`, cell: 'rnn_tanh', inputSize: 1, hiddenSize: c.hiddenSize, numLayers: 1, outputSize,
    weights: 'unused.safetensors', features: { kind: 'market', inputs: ['log_return'] }, output: c.output, metrics: c.metrics,
    provenance: { hyperParameters: { ewmaAlpha: c.ewmaAlpha } },
  });
  const params = initParams(manifest, new SeededRandom(3));
  params.headWeight.fill(0);
  params.headBias.fill(0);
  for (let i = 0; i < outputSize; i++) params.headWeight[i * c.hiddenSize + i] = 1;
  return { manifest, model: new RnnModel(manifest, params), version: `v-${c.name}`, manifestPath: '/dev/null', weightsPath: '/dev/null' };
}

/** Runs the fixture's events through ModelRuntime and the scorer, folding every `batch` events; `after` sees each fold. */
function run(c: Fixture['cases'][number], batch: number, after: (scorer: LiveScorer) => void = () => undefined): LiveScorer {
  const loaded = model(c);
  const runtime = new ModelRuntime(loaded);
  const spec = liveScoreSpec(loaded.manifest) as LiveScoreSpec;
  const scorer = new LiveScorer(loaded, spec, { halfLifeEvents: fixture.halfLifeEvents, drift: fixture.drift, now: () => 1_000 });
  const states = new Map<string, KeyState>();
  let buffer = scorer.begin(batch);
  fixture.events.forEach((e, i) => {
    let state = states.get(e.key);
    if (!state) states.set(e.key, (state = runtime.newKeyState()));
    const event: TickEvent = { kind: 'tick', key: e.key, ts: e.ts, price: e.price, volume: 1, end: false };
    scorer.score(buffer, state, event);
    expect(runtime.advance(state, event)).toBe('applied');
    state.hidden.set(c.hidden[i]);
    if ((i + 1) % batch === 0 || i + 1 === fixture.events.length) {
      scorer.fold(buffer);
      after(scorer);
      buffer = scorer.begin(batch);
    }
  });
  return scorer;
}

function close(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
}

describe('LiveScorer against the independent reference', () => {
  for (const c of fixture.cases) {
    it(`scores ${c.name}: rolling errors, the live baseline, skill and drift as computed independently`, () => {
      const spec = liveScoreSpec(model(c).manifest) as LiveScoreSpec;
      expect(spec.baseline).toBe(c.expected.baseline);
      expect(spec.primary).toBe(c.expected.primary);
      const s = run(c, 13).scores();
      expect(s.scored).toBe(c.expected.scored);
      for (const [name, value] of Object.entries(c.expected.model)) close(s.modelLoss[name as 'mse'], value);
      for (const [name, value] of Object.entries(c.expected.baseline_)) close(s.baselineLoss[name as 'mse'], value);
      close(s.skill, c.expected.skill);
      expect(s.drift.detections).toBe(c.expected.detections);
      expect(c.expected.detections).toBeGreaterThan(0);
      close(s.drift.reference ?? NaN, c.expected.reference);
      expect(s.drift.lastDetectionMs).toBe(1_000);
    });

    it(`tracks the Page-Hinkley statistic of ${c.name} event by event`, () => {
      const seen: number[] = [];
      run(c, 1, (scorer) => {
        const s = scorer.scores();
        if (s.scored > seen.length) seen.push(s.drift.statistic);
      });
      expect(seen.length).toBe(c.expected.statistics.length);
      seen.forEach((v, i) => close(v, c.expected.statistics[i]));
    });
  }

  it('scores a batch once: retracting the last row drops exactly that event', () => {
    const c = fixture.cases[0];
    const loaded = model(c);
    const runtime = new ModelRuntime(loaded);
    const scorer = new LiveScorer(loaded, liveScoreSpec(loaded.manifest) as LiveScoreSpec, { halfLifeEvents: 5, drift: fixture.drift, now: () => 0 });
    const state = runtime.newKeyState();
    const buffer = scorer.begin(3);
    const tick = (ts: number, price: number): TickEvent => ({ kind: 'tick', key: 'K', ts, price, volume: 1, end: false });
    expect(scorer.score(buffer, state, tick(1, 100))).toBe(false);
    runtime.advance(state, tick(1, 100));
    expect(scorer.score(buffer, state, tick(2, 101))).toBe(true);
    scorer.retract(buffer);
    expect(buffer.count).toBe(0);
    scorer.fold(buffer);
    expect(scorer.scores().scored).toBe(0);
    expect(Number.isNaN(scorer.scores().skill)).toBe(true);
  });
});
