import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, Partitioners, type Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { garchTicks } from '../../examples/data/gen-garch.js';
import { runCli, type CliResult } from '../cli/run-cli.js';
import { integrationServices, skipIntegration, uniqueName, type IntegrationServices } from './services.js';
import { createTopicsReady } from '../../src/kafka/create-topics-ready.js';

/** The records carry 2025 timestamps: without this the broker's retention check (7 days by default) deletes them mid-test. */
const KEEP_FOREVER = [{ name: 'retention.ms', value: '-1' }];
const T0 = Date.UTC(2025, 0, 2);
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

describe.skipIf(skipIntegration)('rnn-stream retrain on a real Kafka topic', () => {
  let services: IntegrationServices;
  let admin: Admin;
  let dir: string;
  let configFile: string;
  let first: CliResult;
  const topic = uniqueName('retrain-ticks');

  beforeAll(async () => {
    services = await integrationServices();
    const kafka = new Kafka({ clientId: 'retrain-test', brokers: services.kafkaBrokers, logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    await admin.connect();
    await createTopicsReady(admin, [{ topic, numPartitions: 2, configEntries: KEEP_FOREVER }]);
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    // 3 keys x 1,500 GARCH ticks, one a second (the record timestamp is the event's ts).
    const lines = garchTicks({ n: 1500, keys: 3, seed: 4 });
    const messages = lines.map((l) => {
      const e = JSON.parse(l) as { symbol: string; ts: number };
      return { key: e.symbol, value: l, timestamp: String(e.ts) };
    });
    for (let i = 0; i < messages.length; i += 1000) await producer.send({ topic, messages: messages.slice(i, i + 1000) });
    await producer.disconnect();
    dir = await mkdtemp(join(tmpdir(), 'rnn-stream-retrain-'));
    configFile = join(dir, 'config.yaml');
    await writeFile(configFile, `kafka:\n  brokers: ["${services.kafkaBrokers.join('","')}"]\n  inputTopic: ${topic}\n  groupId: ${uniqueName('retrain-live')}\nregistry:\n  directory: registry\n`);
    first = await retrain('first');
  }, 240_000);

  afterAll(async () => {
    await admin?.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin?.disconnect();
    await services?.stop();
  });

  function retrain(out: string, extra: string[] = []): Promise<CliResult> {
    return runCli([
      'retrain', '--config', configFile, '--from', at(100), '--to', at(1400), '--validate-from', at(1000), '--test-from', at(1200),
      '--target', 'next_abs_logret', '--features', 'log_return', '--hidden', '4', '--epochs', '3', '--window', '50', '--seed', '7', '--out', join(dir, out), ...extra,
    ]);
  }

  it('prints one table: candidate and every baseline, named, with validation and test MSE/MAE/QLIKE', () => {
    expect(first.stderr).not.toMatch(/Error/);
    expect(first.code).toBe(0);
    const header = first.stdout.split('\n')[0];
    for (const col of ['validation mse', 'validation mae', 'validation qlike', 'test mse', 'test qlike', 'test n']) expect(header).toContain(col);
    for (const row of ['candidate', 'zero', 'train_mean', 'last_value', 'linear_ls', 'ewma_variance', 'garch11_mle']) expect(first.stdout).toMatch(new RegExp(`^${row} `, 'm'));
    expect(first.stdout).toContain('RiskMetrics EWMA variance');
    expect(first.stderr).toMatch(/^replay 3900\/3900 messages/m);
    expect(first.stderr.match(/^epoch \d\/3 /gm)).toHaveLength(3);
  });

  it('records the range, the splits and the data hash in the manifest; validation predictions carry partition and offset', async () => {
    const manifest = JSON.parse(await readFile(join(dir, 'first', `${topic}-next_abs_logret.json`), 'utf-8'));
    const p = manifest.provenance;
    expect(p).toMatchObject({ input: `kafka:${topic}`, topic, from: at(100), to: at(1400), validEvents: 3900, eventKind: 'tick' });
    expect(p.partitions.reduce((n: number, q: { messages: number }) => n + q.messages, 0)).toBe(3900);
    expect(p.split).toMatchObject({ validateFrom: at(1000), testFrom: at(1200) });
    expect(p.split.train).toMatchObject({ events: 2700, from: at(100), to: at(999) });
    expect(p.split.validation).toMatchObject({ events: 600, from: at(1000), to: at(1199) });
    expect(p.split.test).toMatchObject({ events: 600, from: at(1200), to: at(1399) });
    expect(p.inputSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.metrics.test.baselines.garch11_mle.n).toBe(600 - 3);
    expect(manifest.metrics.garch11.alpha + manifest.metrics.garch11.beta).toBeLessThan(1);
    const lines = (await readFile(join(dir, 'first', 'validation-predictions.jsonl'), 'utf-8')).trim().split('\n');
    expect(lines).toHaveLength(600);
    const lineOne = JSON.parse(lines[0]) as { partition: number; offset: string; ts: number };
    expect(lineOne.ts).toBeGreaterThanOrEqual(T0 + 1_000_000);
    expect(typeof lineOne.offset).toBe('string');
  });

  it('is reproducible: the same range, options and seed give byte-identical weights and data hash', async () => {
    const second = await retrain('second');
    expect(second.code).toBe(0);
    const name = `${topic}-next_abs_logret`;
    const [a, b] = await Promise.all(['first', 'second'].map((d) => readFile(join(dir, d, `${name}.safetensors`))));
    expect(Buffer.compare(a, b)).toBe(0);
    const [ma, mb] = await Promise.all(['first', 'second'].map(async (d) => JSON.parse(await readFile(join(dir, d, `${name}.json`), 'utf-8')).provenance.inputSha256));
    expect(ma).toBe(mb);
  }, 240_000);

  it('registers each candidate; promotes the first (no champion), not an equal one; models list/promote/rollback', async () => {
    expect(first.stderr).toMatch(/^registry: candidate [0-9a-f]{16}; promoted: no comparable champion$/m);
    const second = await readFile(join(dir, 'second', `${topic}-next_abs_logret.json`), 'utf-8').then(() => retrain('third'));
    expect(second.code).toBe(0);
    // The champion (the first candidate) is in the table; the same training is no better by the margin.
    expect(second.stdout).toMatch(/^champion +registry champion [0-9a-f]{16}/m);
    expect(second.stderr).toMatch(/^registry: candidate [0-9a-f]{16}; not promoted: validation qlike \S+ vs champion \S+: does not beat it by the margin 0.01/m);
    const list = await runCli(['models', 'list', '--config', configFile]);
    expect(list.code).toBe(0);
    const rows = list.stdout.trim().split('\n').slice(2);
    expect(rows.length).toBeGreaterThanOrEqual(2);
    const championRow = rows.find((r) => r.startsWith('*'))!;
    const champion = championRow.split(/\s+/)[1];
    const other = rows.find((r) => !r.startsWith('*'))!.trim().split(/\s+/)[0];
    expect(championRow).toContain(`${topic} ${at(100)}..${at(1400)} (3900 events)`);
    expect(championRow).toMatch(/qlike -?\d/);
    const show = await runCli(['models', 'show', champion.slice(0, 8), '--config', configFile]);
    expect(JSON.parse(show.stdout)).toMatchObject({ version: champion, champion: true, provenance: { topic, codeVersion: '0.1.0', seed: 7 } });
    expect((await runCli(['models', 'promote', other, '--config', configFile])).stdout).toContain(`champion: ${other} (was ${champion})`);
    expect((await runCli(['models', 'rollback', '--config', configFile])).stdout).toContain(`champion: ${champion} (was ${other})`);
    const none = await runCli(['models', 'rollback', '--config', configFile]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no earlier champion to roll back to');
  }, 240_000);

  it('backtest --model <registry version> over the range reproduces the validation predictions byte for byte', async () => {
    const version = /^registry: candidate ([0-9a-f]{16});/m.exec(first.stderr)![1];
    const validation = (await readFile(join(dir, 'first', 'validation-predictions.jsonl'), 'utf-8')).trimEnd().split('\n');
    const out = join(dir, 'backtest-validation.jsonl');
    // The validation window after the same warm-up: read from retrain's --from, predict from --validate-from.
    const run = await runCli([
      'backtest', '--model', version.slice(0, 8), '--config', configFile, '--topic', topic, '--from', at(100), '--to', at(1200), '--predict-from', at(1000), '--out', out,
    ]);
    expect(run.stderr).toMatch(/^backtest: 3300 messages, 600 predictions for 3 keys, 2700 warm-up events, 0 invalid/m);
    expect(run.code).toBe(0);
    const lines = (await readFile(out, 'utf-8')).trimEnd().split('\n');
    type Line = { key: string; ts: number; step: number; modelVersion: string; partition: number; offset: string };
    const parsed = lines.map((l) => JSON.parse(l) as Line);
    // What the test knows without the code: 3 keys, one tick a second, the range starts at second 100,
    // so the tick of second s is its key's (s - 99)th step; the window is seconds 1000..1199.
    expect(parsed).toHaveLength(600);
    for (const p of parsed) {
      const second = (p.ts - T0) / 1000;
      expect(second).toBeGreaterThanOrEqual(1000);
      expect(second).toBeLessThan(1200);
      expect(p.step).toBe(second - 99);
      expect(p.modelVersion).toBe(version);
    }
    // Per partition in offset order; partitions may interleave, so compare in (partition, offset) order.
    for (const part of new Set(parsed.map((p) => p.partition))) {
      const offsets = parsed.filter((p) => p.partition === part).map((p) => Number(p.offset));
      expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    }
    const order = (a: string, b: string) => {
      const x = JSON.parse(a) as Line;
      const y = JSON.parse(b) as Line;
      return x.partition - y.partition || Number(x.offset) - Number(y.offset);
    };
    expect([...lines].sort(order)).toEqual([...validation].sort(order));
    // Without the warm-up the same events give other predictions: the check can fail.
    const cold = await runCli(['backtest', '--model', version, '--config', configFile, '--from', at(1000), '--to', at(1200), '--quiet']);
    expect(cold.code).toBe(0);
    const coldLines = cold.stdout.trimEnd().split('\n').sort(order);
    expect(coldLines).toHaveLength(600);
    const warm = [...validation].sort(order).map((l) => JSON.parse(l) as Line & { output: number[] });
    const firsts = coldLines.map((l) => JSON.parse(l) as Line & { output: number[] }).flatMap((p, i) => (p.step === 1 ? [[p, warm[i]] as const] : []));
    expect(firsts).toHaveLength(3);
    for (const [c, w] of firsts) {
      expect([c.key, c.offset]).toEqual([w.key, w.offset]);
      expect(c.output).not.toEqual(w.output);
    }
  }, 120_000);

  it('refuses a --validate-from outside the range before reading anything', async () => {
    const bad = await runCli(['retrain', '--config', configFile, '--from', at(100), '--to', at(200), '--validate-from', at(300), '--target', 'next_logret', '--out', join(dir, 'bad')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--validate-from must be inside (--from, --to)');
  });
});
