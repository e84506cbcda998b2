import { mkdtemp, readFile } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../src/backtest/run-backtest.js';
import { DatasetError } from '../../src/errors/index.js';
import { loadModel } from '../../src/model/load-model.js';
import { SeededRandom } from '../../src/model/random.js';
import { parseTrainingOptions, type RawTrainingOptions } from '../../src/train/run-training-options.js';
import { runTraining } from '../../src/train/run-training.js';
import { writeEvents } from './dataset-helpers.js';

const fixture = fileURLToPath(new URL('../fixtures/train-data/ticks-2keys.jsonl', import.meta.url));
const fixedClock = () => new Date(Date.UTC(2026, 0, 1));

async function train(raw: RawTrainingOptions) {
  const out = await mkdtemp(join(tmpdir(), 'rnn-stream-run-training-'));
  const result = await runTraining(parseTrainingOptions({ out, ...raw }), {}, fixedClock);
  return { out, result, weights: await readFile(result.weightsPath), manifest: await readFile(result.manifestPath, 'utf-8') };
}

/** Lines exactly as the backtest command writes them, keyed by input line number. */
async function backtestLines(manifestPath: string, input: string): Promise<Map<number, string>> {
  const lines = new Map<number, string>();
  await runBacktest({
    loaded: await loadModel(manifestPath),
    input: createReadStream(input, { encoding: 'utf-8' }),
    onPrediction: (p, line) => void lines.set(line, JSON.stringify({ ...p, line })),
  });
  return lines;
}

describe('runTraining', () => {
  it('gives bit-identical weights (and manifest) for the same seed and data, different weights for another seed', async () => {
    const raw = { input: fixture, target: 'next_abs_logret', hidden: '5', epochs: '2', batch: '1', seed: '9' };
    const a = await train(raw);
    const b = await train(raw);
    const c = await train({ ...raw, seed: '10' });
    expect(Buffer.compare(a.weights, b.weights)).toBe(0);
    expect(a.manifest).toBe(b.manifest);
    expect(Buffer.compare(a.weights, c.weights)).not.toBe(0);
  });

  it('many-to-one with end markers and gaps: backtest reproduces the validation predictions byte for byte', async () => {
    const rng = new SeededRandom(4);
    const lines: object[] = [];
    for (const key of ['k0', 'k1']) {
      let ts = 0;
      let sum = 0;
      for (let i = 0; i < 120; i++) {
        ts += rng.next() < 0.1 ? 600_000 : 1000; // a 10-minute gap ends the previous sequence
        const x = rng.uniform(-1, 1);
        sum += x;
        const end = rng.next() < 0.15;
        lines.push({ key, ts, features: [x, rng.uniform(-1, 1)], target: sum > 0 ? 1 : 0, end });
        if (end || rng.next() < 0.1) sum = 0;
      }
    }
    const input = await writeEvents(lines);
    const { out, result } = await train({ input, target: 'class', outputMode: 'many_to_one', sequenceGapMs: '60000', hidden: '4', epochs: '2', valFraction: '0.3' });
    const manifest = JSON.parse(await readFile(result.manifestPath, 'utf-8')) as { outputMode: string; sequenceGapMs: number; output: { decode: string } };
    expect(manifest).toMatchObject({ outputMode: 'many_to_one', sequenceGapMs: 60000, output: { decode: 'softmax' } });
    const validation = (await readFile(join(out, 'validation-predictions.jsonl'), 'utf-8')).split('\n').filter(Boolean);
    expect(validation.length).toBeGreaterThan(40);
    const bt = await backtestLines(result.manifestPath, input);
    for (const text of validation) expect(bt.get((JSON.parse(text) as { line: number }).line)).toBe(text);
  });
});

describe('runTraining on unusable data', () => {
  it('fails with a DatasetError naming the split that has no step with a target', async () => {
    const out = await mkdtemp(join(tmpdir(), 'rnn-stream-run-training-'));
    const ticks = (n: number) => Array.from({ length: n }, (_, i) => ({ symbol: 'A', ts: i, price: 10 + i }));
    // Two ticks, one held out: the training tick's target is the held-out tick's return.
    const two = runTraining(parseTrainingOptions({ input: await writeEvents(ticks(2)), out, target: 'next_logret', valFraction: '0.5' }));
    await expect(two).rejects.toThrow(DatasetError);
    await expect(two).rejects.toThrow(/the training split has no step with a target/);
    // Three ticks, one held out: it is the key's last tick, which has no next return.
    const three = runTraining(parseTrainingOptions({ input: await writeEvents(ticks(3)), out, target: 'next_logret', valFraction: '0.34' }));
    await expect(three).rejects.toThrow(/the validation split has no step with a target/);
  });

  it('says why a split is empty when every event of a key has the same timestamp, or the input is newest-first', async () => {
    const out = await mkdtemp(join(tmpdir(), 'rnn-stream-run-training-'));
    const same = Array.from({ length: 20 }, (_, i) => ({ symbol: 'A', ts: 5, price: 10 + i }));
    await expect(runTraining(parseTrainingOptions({ input: await writeEvents(same), out, target: 'next_logret' }))).rejects.toThrow(
      /every event of each key has the same timestamp, so no time-ordered split exists/,
    );
    const newestFirst = Array.from({ length: 20 }, (_, i) => ({ symbol: 'A', ts: 1000 - i, price: 10 + i }));
    await expect(runTraining(parseTrainingOptions({ input: await writeEvents(newestFirst), out, target: 'next_logret' }))).rejects.toThrow(
      /most events are earlier than their key's previous one \(newest first\?\); sort the input oldest first/,
    );
  });

  it('warns of timestamp regressions and trains on the events in file order', async () => {
    const lines = Array.from({ length: 40 }, (_, i) => ({ symbol: 'A', ts: i === 10 ? 3 : i * 10, price: 10 + (i % 3) }));
    const warnings: string[] = [];
    const out = await mkdtemp(join(tmpdir(), 'rnn-stream-run-training-'));
    const result = await runTraining(parseTrainingOptions({ input: await writeEvents(lines), out, target: 'next_logret', epochs: '1', hidden: '2' }), {
      onWarning: (w) => warnings.push(w),
    });
    expect(warnings).toContain('1 timestamp regressions (events earlier than their key\'s previous event; kept in arrival order)');
    expect(JSON.parse(await readFile(result.manifestPath, 'utf-8')).provenance.timestampRegressions).toBe(1);
  });

  it('refuses an --out that is an existing file before reading the input', async () => {
    const existing = await writeEvents([{ symbol: 'A', ts: 1, price: 1 }]);
    await expect(runTraining(parseTrainingOptions({ input: '/nonexistent/input.jsonl', out: existing, target: 'next_logret' }))).rejects.toThrow(
      `--out ${existing} is an existing file; it must be a directory (new or existing)`,
    );
  });
});
