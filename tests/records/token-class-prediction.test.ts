import { readFileSync } from 'node:fs';
import { copyFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../src/backtest/run-backtest.js';
import { loadModel } from '../../src/model/load-model.js';
import type { Prediction } from '../../src/records/prediction.js';
import { PredictionWriter } from '../../src/records/prediction-writer.js';

// The PyTorch token model of tests/fixtures/parity/embedding (nn.Embedding(12, 5) -> GRU 2x8 ->
// Linear(8, 3)) given a classifier head: class names and softmax decoding in its manifest.
const DIR = join(import.meta.dirname, '../fixtures/parity/embedding');
const NAMES = ['negative', 'neutral', 'positive'];

describe('predictions of a token classifier', () => {
  it('carry the most probable class by name and its probability, as PyTorch\'s logits give them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rnn-stream-token-class-'));
    const manifest = JSON.parse(readFileSync(join(DIR, 'emb-gru.json'), 'utf-8')) as Record<string, unknown>;
    await writeFile(join(dir, 'emb-gru.json'), JSON.stringify({ ...manifest, output: { names: NAMES, decode: 'softmax' } }));
    await copyFile(join(DIR, 'emb-gru.safetensors'), join(dir, 'emb-gru.safetensors'));
    const io = JSON.parse(readFileSync(join(DIR, 'emb-gru.io.json'), 'utf-8')) as { tokens: string[]; outputs: number[][] };
    const loaded = await loadModel(join(dir, 'emb-gru.json'));
    const lines = io.tokens.map((token, t) => JSON.stringify({ key: 'doc-7', ts: 1_764_000_000_000 + t, token }));
    const predictions: Prediction[] = [];
    await runBacktest({ loaded, input: Readable.from(lines.map((l) => `${l}\n`)), onPrediction: (p) => void predictions.push(p) });
    expect(predictions).toHaveLength(io.tokens.length);
    const writer = new PredictionWriter(loaded.manifest, loaded.version);
    const seen = new Set<string>();
    predictions.forEach((p, t) => {
      // The reference: softmax of PyTorch's float64-printed logits for this step.
      const logits = io.outputs[t];
      const e = logits.map((z) => Math.exp(z - Math.max(...logits)));
      const probs = e.map((x) => x / e.reduce((a, b) => a + b, 0));
      const best = probs.indexOf(Math.max(...probs));
      expect(p.class).toBe(NAMES[best]);
      expect(p.probability).toBeCloseTo(probs[best], 5);
      expect(p.probability).toBe((p.decoded as Record<string, number>)[NAMES[best]]);
      seen.add(p.class as string);
      // The stream's per-model writer writes the same bytes.
      expect(writer.write(p.key, p.ts, p.step, Float32Array.from(p.output), '')).toBe(JSON.stringify(p));
    });
    expect(JSON.stringify(predictions[0])).toMatch(/"decoded":\{[^}]*\},"class":"[a-z]+","probability":0\.\d+/);
    expect(seen.size).toBeGreaterThan(0);
  });

  it('names the class by its index when the manifest gives no names, in output order', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rnn-stream-token-class-'));
    const manifest = JSON.parse(readFileSync(join(DIR, 'emb-gru.json'), 'utf-8')) as Record<string, unknown>;
    await writeFile(join(dir, 'emb-gru.json'), JSON.stringify({ ...manifest, output: { decode: 'softmax' } }));
    await copyFile(join(DIR, 'emb-gru.safetensors'), join(dir, 'emb-gru.safetensors'));
    const loaded = await loadModel(join(dir, 'emb-gru.json'));
    const predictions: Prediction[] = [];
    await runBacktest({ loaded, input: Readable.from(['{"key":"d","ts":1,"token":"soup"}\n']), onPrediction: (p) => void predictions.push(p) });
    const probs = predictions[0].decoded as number[];
    expect(predictions[0].class).toBe(probs.indexOf(Math.max(...probs)));
    expect(predictions[0].probability).toBe(Math.max(...probs));
  });
});
