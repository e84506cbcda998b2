import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../src/backtest/run-backtest.js';
import type { LoadedModel } from '../../src/model/load-model.js';
import type { Prediction } from '../../src/records/prediction.js';
import { LiveModels } from '../../src/runtime/live-models.js';
import { ModelRuntime } from '../../src/runtime/model-runtime.js';
import { makeBatch, OUT, startHarness, TOPIC, testModel, vec } from './pipeline-harness.js';

const W = 5;
const KEYS = ['a', 'b', 'c', 'd'];

/** Events of every key, interleaved; key k has 3 + 2k events so some have fewer than W. */
function history(): { key: string; line: string }[] {
  const out: { key: string; line: string }[] = [];
  for (let i = 0; i < 12; i++) {
    KEYS.forEach((key, k) => {
      if (i < 3 + 2 * k) out.push({ key, line: vec(key, 1_000 + 10 * i + k, [Math.sin(i + k), Math.cos(3 * i), (i * k) % 5]) });
    });
  }
  return out;
}

/** The backtest of `loaded` over `lines` (one key's): its last prediction. */
async function backtestLast(loaded: LoadedModel, lines: readonly string[]): Promise<Prediction> {
  const predictions: Prediction[] = [];
  await runBacktest({ loaded, input: Readable.from([lines.join('\n')]), onPrediction: (p) => void predictions.push(p) });
  return predictions[predictions.length - 1];
}

describe('stream pipeline: model swap with warm start', () => {
  it("makes each key's first prediction after a swap equal the new model's backtest over its last W events and the new one", async () => {
    const oldModel = testModel({ version: 'old', seed: 1 });
    const newModel = testModel({ version: 'new', seed: 2, cell: 'lstm' });
    const models = new LiveModels(new ModelRuntime(oldModel, { recentInputs: W }));
    const h = startHarness({ models });
    const before = history();
    await h.feed(makeBatch(0, 0, before.slice(0, 10).map((e) => e.line)));
    await h.feed(makeBatch(0, 10, before.slice(10).map((e) => e.line)));
    models.replace({ champion: new ModelRuntime(newModel, { recentInputs: W }), shadows: [] });
    const after = KEYS.map((key, k) => ({ key, line: vec(key, 5_000 + k, [0.5 * k, -1, 2]) }));
    // Keys a and b first, c and d one batch later: each key switches at its own next event.
    await h.feed(makeBatch(0, before.length, after.slice(0, 2).map((e) => e.line)));
    await h.feed(makeBatch(0, before.length + 2, after.slice(2).map((e) => e.line)));

    const preds = h.sink.records(OUT).map((r) => JSON.parse(String(r.value)) as Prediction);
    expect(preds.slice(0, before.length).every((p) => p.modelVersion === 'old')).toBe(true);
    const swapped = preds.slice(before.length);
    expect(swapped.map((p) => p.key)).toEqual(KEYS);
    for (const p of swapped) {
      const own = before.filter((e) => e.key === p.key).map((e) => e.line);
      const expected = await backtestLast(newModel, [...own.slice(-W), after.find((e) => e.key === p.key)!.line]);
      expect(p.modelVersion).toBe('new');
      expect(p.step).toBe(expected.step);
      expect(p.output).toEqual(expected.output);
    }
    // Stored states: of the new version only, each with the key's last W events.
    const snapshot = await h.store.loadPartition({ topic: TOPIC, partition: 0 });
    for (const key of KEYS) {
      const state = snapshot.states.get(key)!;
      expect(state.modelVersion).toBe('new');
      expect(state.recent?.count).toBe(Math.min(W, before.filter((e) => e.key === key).length + 1));
    }
  });

  it('leaves the state of a key without events since the swap as it was (warmed lazily)', async () => {
    const models = new LiveModels(new ModelRuntime(testModel({ version: 'old' }), { recentInputs: W }));
    const h = startHarness({ models });
    await h.feed(makeBatch(0, 0, [vec('a', 1, [1, 2, 3]), vec('b', 1, [1, 2, 3])]));
    models.replace({ champion: new ModelRuntime(testModel({ version: 'new', seed: 3 }), { recentInputs: W }), shadows: [] });
    await h.feed(makeBatch(0, 2, [vec('a', 2, [1, 2, 3])]));
    const snapshot = await h.store.loadPartition({ topic: TOPIC, partition: 0 });
    expect(snapshot.states.get('a')?.modelVersion).toBe('new');
    expect(snapshot.states.get('b')?.modelVersion).toBe('old');
  });

  it('starts a key fresh at a swap when no recent inputs are kept (warmStartInputs 0)', async () => {
    const models = new LiveModels(new ModelRuntime(testModel({ version: 'old' })));
    const h = startHarness({ models });
    await h.feed(makeBatch(0, 0, [vec('a', 1, [1, 2, 3]), vec('a', 2, [1, 2, 3])]));
    const newModel = testModel({ version: 'new', seed: 3 });
    models.replace({ champion: new ModelRuntime(newModel), shadows: [] });
    await h.feed(makeBatch(0, 2, [vec('a', 3, [3, 2, 1])]));
    const last = JSON.parse(String(h.sink.records(OUT)[2].value)) as Prediction;
    const expected = await backtestLast(newModel, [vec('a', 3, [3, 2, 1])]);
    expect(last).toMatchObject({ modelVersion: 'new', step: 1, output: expected.output });
  });

  it('refuses a swap to a model that reads other events, and keeps serving the current one', () => {
    const models = new LiveModels(new ModelRuntime(testModel({ version: 'old' })));
    expect(() => models.replace({ champion: new ModelRuntime(testModel({ version: 'wide', inputSize: 4 })), shadows: [] })).toThrow(/vectors of 4 features, the running model 3/);
    expect(models.current().champion.loaded.version).toBe('old');
  });
});
