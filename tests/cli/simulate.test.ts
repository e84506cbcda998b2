import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerSimulate } from '../../src/cli/commands/simulate.js';
import { ConfigError } from '../../src/errors/index.js';
import { newSimTick, SyntheticMarket, tickToJson } from '../../src/simulator/index.js';

function program(): Command {
  const p = new Command('rnn-stream').exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  registerSimulate(p);
  return p;
}

const run = (args: string[]): Promise<Command> => program().parseAsync(['node', 'rnn-stream', 'simulate', ...args]);

describe('rnn-stream simulate --out', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rnn-stream-simulate-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes --count ticks of the seeded market as JSON lines', async () => {
    const out = join(dir, 'ticks.jsonl');
    await run(['--count', '500', '--symbols', '6', '--seed', '3', '--rate', '50', '--start', '2025-01-01T00:00:00Z', '--out', out]);
    const lines = (await readFile(out, 'utf-8')).trimEnd().split('\n');
    const market = new SyntheticMarket({ symbols: 6, seed: 3, rate: 50, startTs: Date.UTC(2025, 0, 1) });
    const expected = Array.from({ length: 500 }, () => tickToJson(market.next(newSimTick())));
    expect(lines).toEqual(expected);
    expect(JSON.parse(lines[1])).toMatchObject({ ts: Date.UTC(2025, 0, 1) + 20 });
  });

  it('visits symbols in turn with --order round_robin', async () => {
    const out = join(dir, 'rr.jsonl');
    await run(['--count', '6', '--symbols', '3', '--order', 'round_robin', '--out', out]);
    const symbols = (await readFile(out, 'utf-8')).trimEnd().split('\n').map((l) => (JSON.parse(l) as { symbol: string }).symbol);
    expect(symbols).toEqual(['SYM000', 'SYM001', 'SYM002', 'SYM000', 'SYM001', 'SYM002']);
  });

  it('refuses --out without --count', async () => {
    await expect(run(['--out', join(dir, 'x.jsonl')])).rejects.toThrow(ConfigError);
    await expect(run(['--out', join(dir, 'x.jsonl')])).rejects.toThrow('--out needs --count');
  });

  it('refuses option values that break their rule, naming the option', async () => {
    await expect(run(['--rate', '0', '--count', '1', '--out', join(dir, 'x.jsonl')])).rejects.toThrow(CommanderError);
    await expect(run(['--rate', 'fast'])).rejects.toThrow(/--rate must be a number > 0, got "fast"/);
    await expect(run(['--symbols', '2.5'])).rejects.toThrow(/--symbols must be an integer, got "2.5"/);
    await expect(run(['--order', 'sorted'])).rejects.toThrow(/Allowed choices are random, round_robin/);
    await expect(run(['--start', 'yesterday'])).rejects.toThrow(/--start: "ts" must be epoch milliseconds or an ISO-8601/);
  });
});
