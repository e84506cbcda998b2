import { createHash } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../cli/run-cli.js';

const fixture = fileURLToPath(new URL('../fixtures/train-data/ticks-2keys.jsonl', import.meta.url));
/** The parts of the written manifest the assertions read. */
interface SavedManifest {
  readonly provenance: {
    readonly inputSha256: string;
    readonly split: { readonly train: object; readonly validation: object };
    readonly keys: object;
    readonly hyperParameters: object;
    readonly bestEpoch: number;
  };
  readonly output: object;
  readonly metrics: { readonly validation: { readonly model: { readonly n: number; readonly mse: number }; readonly baselines: object } };
}

const readLines = async (path: string) => (await readFile(path, 'utf-8')).split('\n').filter((l) => l !== '');

describe('rnn-stream train (tick events, next_logret)', () => {
  let dir: string;
  let result: CliResult;
  let manifest: SavedManifest;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rnn-stream-train-cli-'));
    result = await runCli(['train', '--input', fixture, '--target', 'next_logret', '--hidden', '6', '--epochs', '3', '--seed', '3', '--out', dir]);
    manifest = JSON.parse(await readFile(join(dir, 'ticks-2keys.json'), 'utf-8')) as SavedManifest;
  });

  it('reports invalid lines by number, prints one line per epoch when stderr is not a terminal, and exits 0', () => {
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('line 5: malformed_json');
    expect(result.stderr).toContain('line 40: non_positive_price');
    expect(result.stderr).toContain('line 250: missing_field');
    expect(result.stderr.match(/^epoch \d\/3 train_loss=\S+ val_loss=\S+/gm)).toHaveLength(3);
  });

  it('records provenance: input hash, per-split counts and range, keys, seed, hyper-parameters and epochs', async () => {
    const p = manifest.provenance;
    expect(p.inputSha256).toBe(createHash('sha256').update(await readFile(fixture)).digest('hex'));
    expect(p).toMatchObject({ input: fixture, eventKind: 'tick', validEvents: 300, rejected: 3, rejectedByReason: { malformed_json: 1, non_positive_price: 1, missing_field: 1 }, seed: 3, epochsRun: 3 });
    // 150 ticks per key: 120 training, 30 validation; each key's last training and last validation tick have no usable target.
    expect(p.split.train).toMatchObject({ events: 240, scoredSteps: 238, from: '2025-01-02T00:00:00.000Z', to: '2025-01-02T00:01:59.000Z' });
    expect(p.split.validation).toMatchObject({ events: 60, scoredSteps: 58, from: '2025-01-02T00:02:00.000Z', to: '2025-01-02T00:02:29.000Z' });
    expect(p.keys).toEqual({ count: 2, names: ['AR2-0', 'AR2-1'] });
    expect(p.hyperParameters).toMatchObject({ cell: 'gru', hidden: 6, layers: 1, target: 'next_logret', loss: 'mse', epochs: 3, optimizer: 'adam', window: 50 });
    expect(p.bestEpoch).toBeGreaterThanOrEqual(1);
    expect(manifest).toMatchObject({ cell: 'gru', hiddenSize: 6, inputSize: 3, outputSize: 1, outputMode: 'many_to_many', features: { kind: 'market' } });
    expect(manifest.output).toMatchObject({ names: ['next_logret'], decode: 'identity', target: 'next_logret' });
  });

  it('reports validation MSE/MAE of the model, recomputable from the predictions file and the prices, beside the baselines', async () => {
    const prices = new Map<string, { line: number; price: number }[]>();
    (await readLines(fixture)).forEach((text, i) => {
      try {
        const e = JSON.parse(text) as { symbol?: string; price?: number };
        if (e.symbol && typeof e.price === 'number' && e.price > 0) prices.set(e.symbol, [...(prices.get(e.symbol) ?? []), { line: i + 1, price: e.price }]);
      } catch {
        // the malformed fixture line: not an event
      }
    });
    let sq = 0;
    let n = 0;
    for (const text of await readLines(join(dir, 'validation-predictions.jsonl'))) {
      const p = JSON.parse(text) as { key: string; line: number; decoded: { next_logret: number } };
      const ticks = prices.get(p.key)!;
      const i = ticks.findIndex((t) => t.line === p.line);
      if (i + 1 >= ticks.length) continue;
      sq += (p.decoded.next_logret - Math.log(ticks[i + 1].price / ticks[i].price)) ** 2;
      n++;
    }
    const v = manifest.metrics.validation;
    expect(n).toBe(58);
    expect(v.model.n).toBe(58);
    expect(v.model.mse).toBeCloseTo(sq / n, 12);
    expect(Object.keys(v.baselines).sort()).toEqual(['last_value', 'linear_ls', 'train_mean', 'zero']);
  });

  it('has no train/serve skew: backtest of the saved model reproduces the validation predictions byte for byte', async () => {
    const preds = join(dir, 'backtest.jsonl');
    const bt = await runCli(['backtest', '--model', join(dir, 'ticks-2keys.json'), '--input', fixture, '--out', preds, '--quiet']);
    expect(bt.code).toBe(0);
    const byLine = new Map((await readLines(preds)).map((l) => [(JSON.parse(l) as { line: number }).line, l]));
    const validation = await readLines(join(dir, 'validation-predictions.jsonl'));
    expect(validation).toHaveLength(60);
    for (const text of validation) expect(byLine.get((JSON.parse(text) as { line: number }).line)).toBe(text);
  });

  it('rejects a bad option with exit code 2 (usage) and a message naming the option', async () => {
    const bad = await runCli(['train', '--input', fixture, '--target', 'next_logret', '--hidden', 'x', '--out', dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--hidden must be an integer in 1..65536; got "x"');
  });
});
