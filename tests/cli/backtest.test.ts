import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initParams } from '../../src/model/init-params.js';
import { SeededRandom } from '../../src/model/random.js';
import { RnnModel } from '../../src/model/rnn-model.js';
import { saveModel } from '../../src/model/save-model.js';
import { FilesystemRegistry } from '../../src/registry/filesystem-registry.js';
import { runCli } from './run-cli.js';

const spec = { cell: 'gru', inputSize: 2, hiddenSize: 5, numLayers: 2, outputSize: 3 } as const;
let dir: string;
let model: RnnModel;
let manifest: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rnn-stream-backtest-'));
  model = new RnnModel(spec, initParams(spec, new SeededRandom(7)));
  manifest = (await saveModel(dir, { name: 'bt' }, model)).manifestPath;
});

/** Steps the model directly, one key at a time: the reference the command must agree with. */
function reference(events: { key: string; features: number[] }[]): Map<string, number[][]> {
  const byKey = new Map<string, number[][]>();
  const states = new Map<string, Float32Array>();
  const stepper = model.newStepper();
  const out = new Float32Array(spec.outputSize);
  for (const e of events) {
    const state = states.get(e.key) ?? model.newState();
    states.set(e.key, state);
    stepper.step(state, Float32Array.from(e.features), out);
    byKey.set(e.key, [...(byKey.get(e.key) ?? []), Array.from(out)]);
  }
  return byKey;
}

describe('rnn-stream backtest', () => {
  it('writes one prediction per valid event, per-key steps in file order, skipping invalid lines', async () => {
    const valid = [
      { key: 'a', ts: 1000, features: [0.5, -1] },
      { key: 'b', ts: 1001, features: [2, 0.25] },
      { key: 'a', ts: '2025-11-26T14:30:00.002Z', features: [-0.75, 3] },
      { key: 'b', ts: 1003, features: [0, 0] },
      { key: 'a', ts: 1004, features: [1e-3, 4] },
    ];
    const lines = [
      JSON.stringify(valid[0]),
      '{"key":"a","ts":1,"features":[1,2]', // malformed JSON
      JSON.stringify(valid[1]),
      JSON.stringify({ ts: 5, features: [1, 1] }), // missing key
      JSON.stringify(valid[2]),
      JSON.stringify({ key: 'a', ts: 6, features: [1, 2, 3] }), // wrong feature count
      '',
      JSON.stringify(valid[3]),
      '{"key":"b","ts":7,"features":[1,null]}', // non-finite
      JSON.stringify(valid[4]),
    ];
    const input = join(dir, 'events.jsonl');
    const out = join(dir, 'preds.jsonl');
    await writeFile(input, `${lines.join('\n')}\n`);
    const res = await runCli(['backtest', '--model', manifest, '--input', input, '--out', out]);
    expect(res.code).toBe(0);
    expect(res.stderr).toContain('line 2: malformed_json');
    expect(res.stderr).toContain('line 4: missing_field');
    expect(res.stderr).toContain('line 6: feature_count');
    expect(res.stderr).toContain('line 9: non_finite');
    expect(res.stderr).toMatch(/5 predictions for 2 keys, 4 invalid/);

    const preds = (await readFile(out, 'utf-8')).trim().split('\n').map((l) => JSON.parse(l) as {
      key: string; ts: number; step: number; output: number[]; line: number;
    });
    expect(preds.map((p) => [p.key, p.step, p.line])).toEqual([
      ['a', 1, 1], ['b', 1, 3], ['a', 2, 5], ['b', 2, 8], ['a', 3, 10],
    ]);
    expect(preds[2].ts).toBe(Date.parse('2025-11-26T14:30:00.002Z'));
    const expected = reference(valid.map((v) => ({ key: v.key, features: v.features })));
    const seen = new Map<string, number>();
    for (const p of preds) {
      const i = seen.get(p.key) ?? 0;
      seen.set(p.key, i + 1);
      expect(p.output).toEqual(expected.get(p.key)![i]);
    }
  });

  it('fails with exit code 1 and a clear message when the model cannot be read', async () => {
    const input = join(dir, 'one.jsonl');
    await writeFile(input, '{"key":"a","ts":1,"features":[1,2]}\n');
    const res = await runCli(['backtest', '--model', join(dir, 'nope.json'), '--input', input]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('cannot read manifest');
  });

  it('fails with exit code 1 when the input file is missing', async () => {
    const res = await runCli(['backtest', '--model', manifest, '--input', join(dir, 'missing.jsonl')]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('cannot read input file');
  });

  it('reads a first line that starts with a UTF-8 byte-order mark', async () => {
    const input = join(dir, 'bom.jsonl');
    await writeFile(input, '\ufeff{"key":"a","ts":1,"features":[0.5,-1]}\n{"key":"a","ts":2,"features":[2,0.25]}\n');
    const res = await runCli(['backtest', '--model', manifest, '--input', input]);
    expect(res.code).toBe(0);
    const preds = res.stdout.trim().split('\n').map((l) => JSON.parse(l) as { key: string; step: number; line: number; output: number[] });
    expect(preds.map((p) => [p.key, p.step, p.line])).toEqual([['a', 1, 1], ['a', 2, 2]]);
    expect(preds.map((p) => p.output)).toEqual(reference([{ key: 'a', features: [0.5, -1] }, { key: 'a', features: [2, 0.25] }]).get('a'));
    expect(res.stderr).toMatch(/2 predictions for 1 keys, 0 invalid/);
  });

  it('fails with exit code 1 and a clear message when the input is a directory', async () => {
    const res = await runCli(['backtest', '--model', manifest, '--input', dir]);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(`rnn-stream: input ${dir} is not a file (it is a directory)\n`);
  });

  it('--predict-from: earlier events of a key only warm its state up; its predictions start at its first event at or after the instant', async () => {
    const events = [
      { key: 'a', ts: 1000, features: [0.5, -1] },
      { key: 'b', ts: 1001, features: [2, 0.25] },
      { key: 'a', ts: 2000, features: [-0.75, 3] },
      { key: 'b', ts: 1500, features: [0, 0] },
      { key: 'a', ts: 1999, features: [1e-3, 4] }, // after a's cut (arrival order): predicted
      { key: 'b', ts: 2500, features: [1, 1] },
    ];
    const input = join(dir, 'warm.jsonl');
    await writeFile(input, `${events.map((e) => JSON.stringify(e)).join('\n')}\n`);
    const res = await runCli(['backtest', '--model', manifest, '--input', input, '--predict-from', '2000']);
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/3 predictions for 2 keys, 3 warm-up events, 0 invalid/);
    const preds = res.stdout.trim().split('\n').map((l) => JSON.parse(l) as { key: string; step: number; line: number; output: number[] });
    expect(preds.map((p) => [p.key, p.step, p.line])).toEqual([['a', 2, 3], ['a', 3, 5], ['b', 3, 6]]);
    const expected = reference(events);
    expect(preds.map((p) => p.output)).toEqual([expected.get('a')![1], expected.get('a')![2], expected.get('b')![2]]);
  });

  it('--model <version> loads that version from the configured registry and stamps it on every prediction', async () => {
    const registryDir = join(dir, 'registry');
    const registry = new FilesystemRegistry({ directory: registryDir });
    const { info } = await registry.register(manifest);
    await registry.close();
    const config = join(dir, 'registry.yaml');
    await writeFile(config, `registry:\n  directory: ${JSON.stringify(registryDir)}\n`);
    const input = join(dir, 'one-event.jsonl');
    await writeFile(input, '{"key":"a","ts":1,"features":[0.5,-1]}\n');
    const res = await runCli(['backtest', '--model', info.version.slice(0, 6), '--config', config, '--input', input]);
    expect(res.code).toBe(0);
    const p = JSON.parse(res.stdout) as { modelVersion: string; output: number[] };
    expect(p.modelVersion).toBe(info.version);
    expect(p.output).toEqual(reference([{ key: 'a', features: [0.5, -1] }]).get('a')![0]);
    const missing = await runCli(['backtest', '--model', 'abcdef12', '--config', config, '--input', input]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no model version abcdef12 in the registry');
  });

  it('refuses a file and a topic range together, or a range without --to, with exit code 2', async () => {
    const both = await runCli(['backtest', '--model', manifest, '--input', join(dir, 'one.jsonl'), '--from', '2025-01-01T00:00:00Z', '--to', '2025-01-02T00:00:00Z']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('give either --input <file> or a topic range');
    const noEnd = await runCli(['backtest', '--model', manifest, '--from', '2025-01-01T00:00:00Z']);
    expect(noEnd.code).toBe(2);
    expect(noEnd.stderr).toContain('--to is required');
  });

  it('documents itself in --help', async () => {
    const res = await runCli(['backtest', '--help']);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('--model <manifest.json|version>');
    expect(res.stdout).toContain('--predict-from <time>');
    expect(res.stdout).toContain('Invalid inputs');
  });
});
