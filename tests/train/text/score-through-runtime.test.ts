import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../../src/model/load-model.js';
import { RnnModel } from '../../../src/model/rnn-model.js';
import { saveModel } from '../../../src/model/save-model.js';
import { scoreThroughRuntime } from '../../../src/train/text/run-text-training.js';

const spec = { cell: 'rnn_relu' as const, inputSize: 2, hiddenSize: 2, numLayers: 1, outputSize: 3 };

/** A 3-token language model whose embedding row 2 is `big` (a huge row overflows float32 in the relu cell). */
async function model(big: number) {
  const dir = await mkdtemp(join(tmpdir(), 'rnn-stream-score-'));
  const params = {
    layers: [{ weightIh: Float32Array.of(1, 0, 0, 1), weightHh: Float32Array.of(0.5, 0, 0, 0.5), biasIh: new Float32Array(2), biasHh: new Float32Array(2), inSize: 2 }],
    headWeight: Float32Array.of(1, 0, 0, 1, 1, 1),
    headBias: new Float32Array(3),
  };
  const embedding = Float32Array.of(0, 0, 1, -1, big, big);
  const manifest = {
    name: 'lm',
    features: { kind: 'token' as const, vocabulary: { tokens: ['<unk>', 'a', 'b'], unknownId: 0, lowercase: false, tokenizer: 'characters' as const } },
    output: { names: ['<unk>', 'a', 'b'], decode: 'softmax' as const },
  };
  const saved = await saveModel(dir, manifest, new RnnModel(spec, params), embedding);
  return loadModel(saved.manifestPath);
}

describe('scoreThroughRuntime', () => {
  it('scores every token but the last of each line against the next one, one JSON line per example', async () => {
    const loaded = await model(2);
    const lines: string[] = [];
    const r = scoreThroughRuntime(loaded, [{ ids: Int32Array.of(1, 2, 1), label: -1, line: 4 }, { ids: Int32Array.of(2, 2), label: -1, line: 9 }], true, (l) => lines.push(l));
    expect(r.nonFinite).toBe(0);
    expect(r.metrics.n).toBe(3);
    expect(lines.map((l) => (JSON.parse(l) as { line: number; scored: number }).line)).toEqual([4, 9]);
    expect(lines.map((l) => (JSON.parse(l) as { scored: number }).scored)).toEqual([2, 1]);
  });

  it('skips and counts token events whose output is not finite, as serving skips them', async () => {
    const loaded = await model(3e38);
    // Token 2's row (3e38, 3e38) makes the head's third output 6e38: beyond float32.
    const r = scoreThroughRuntime(loaded, [{ ids: Int32Array.of(1, 2, 1), label: -1, line: 1 }], true);
    expect(r.nonFinite).toBe(1);
    expect(r.metrics.n).toBe(1);
  });
});
