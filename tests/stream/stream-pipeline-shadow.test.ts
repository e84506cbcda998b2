import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../src/backtest/run-backtest.js';
import type { LoadedModel } from '../../src/model/load-model.js';
import type { Prediction } from '../../src/records/prediction.js';
import { LiveModels } from '../../src/runtime/live-models.js';
import { ModelRuntime } from '../../src/runtime/model-runtime.js';
import { makeBatch, OUT, startHarness, TOPIC, testModel, vec } from './pipeline-harness.js';

const SHADOW_TOPIC = 'predictions.shadow';
const W = 6;

function lines(n: number): string[] {
  return Array.from({ length: n }, (_, i) => vec(`k${i % 3}`, 1_000 + i, [Math.sin(i), Math.cos(i), i % 4]));
}

async function backtestOf(loaded: LoadedModel, input: readonly string[]): Promise<Prediction[]> {
  const out: Prediction[] = [];
  await runBacktest({ loaded, input: Readable.from([input.join('\n')]), onPrediction: (p) => void out.push(p) });
  return out;
}

describe('stream pipeline: shadow models', () => {
  it('advances a shadow on every event, keeps its states apart, and publishes its predictions only to the shadow topic', async () => {
    const champion = testModel({ version: 'champ', seed: 1 });
    const shadow = testModel({ version: 'shadow', seed: 2, cell: 'lstm' });
    const models = new LiveModels(new ModelRuntime(champion, { recentInputs: W }), [new ModelRuntime(shadow, { recentInputs: W })]);
    const h = startHarness({ models, shadowTopic: SHADOW_TOPIC });
    const input = lines(30);
    await h.feed(makeBatch(0, 0, input.slice(0, 13)));
    await h.feed(makeBatch(0, 13, input.slice(13)));

    const published = h.sink.records(OUT).map((r) => JSON.parse(String(r.value)) as Prediction);
    expect(published.map((p) => p.modelVersion)).toEqual(input.map(() => 'champ'));
    const shadowed = h.sink.records(SHADOW_TOPIC).map((r) => JSON.parse(String(r.value)) as Prediction);
    const expected = await backtestOf(shadow, input);
    expect(shadowed.map((p) => [p.key, p.modelVersion, p.step, p.output])).toEqual(expected.map((p) => [p.key, 'shadow', p.step, p.output]));

    // The champion's states in the partition's hash, the shadow's in its own.
    const snapshot = await h.store.loadPartition({ topic: TOPIC, partition: 0 });
    expect([...snapshot.states.values()].every((s) => s.modelVersion === 'champ')).toBe(true);
    const shadowStates = await h.store.loadShadow({ topic: TOPIC, partition: 0 }, 'shadow');
    expect([...shadowStates.keys()].sort()).toEqual(['k0', 'k1', 'k2']);
    expect([...shadowStates.values()].every((s) => s.modelVersion === 'shadow' && s.recent === undefined)).toBe(true);
  });

  it('warms a shadow added mid-stream from the champion state\'s recent inputs', async () => {
    const champion = new ModelRuntime(testModel({ version: 'champ', seed: 1 }), { recentInputs: W });
    const shadow = testModel({ version: 'late', seed: 5 });
    const models = new LiveModels(champion);
    const h = startHarness({ models, shadowTopic: SHADOW_TOPIC });
    const input = lines(24);
    await h.feed(makeBatch(0, 0, input.slice(0, 21)));
    models.replace({ champion, shadows: [new ModelRuntime(shadow, { recentInputs: W })] });
    await h.feed(makeBatch(0, 21, input.slice(21)));
    const shadowed = h.sink.records(SHADOW_TOPIC).map((r) => JSON.parse(String(r.value)) as Prediction);
    expect(shadowed).toHaveLength(3);
    for (const p of shadowed) {
      const own = input.filter((l) => (JSON.parse(l) as { key: string }).key === p.key);
      const upTo = own.findIndex((l) => (JSON.parse(l) as { ts: number }).ts === p.ts);
      const reference = (await backtestOf(shadow, own.slice(Math.max(0, upTo - W), upTo + 1))).at(-1)!;
      expect([p.step, p.output]).toEqual([reference.step, reference.output]);
    }
  });

  it('publishes nothing for shadows without a shadow topic, and a swap to the shadow leaves no shadow state in use', async () => {
    const champion = new ModelRuntime(testModel({ version: 'champ', seed: 1 }), { recentInputs: W });
    const shadow = new ModelRuntime(testModel({ version: 'next', seed: 9 }), { recentInputs: W });
    const models = new LiveModels(champion, [shadow]);
    const h = startHarness({ models });
    await h.feed(makeBatch(0, 0, lines(9)));
    expect(h.sink.sent.map((s) => s.topic)).toEqual([OUT]);
    models.replace({ champion: shadow, shadows: [] });
    await h.feed(makeBatch(0, 9, lines(12).slice(9)));
    const last = h.sink.records(OUT).slice(-3).map((r) => JSON.parse(String(r.value)) as Prediction);
    expect(last.map((p) => p.modelVersion)).toEqual(['next', 'next', 'next']);
  });
});
