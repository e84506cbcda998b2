import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { runBacktest, type BacktestSummary } from '../../backtest/run-backtest.js';
import { RnnStreamError } from '../../errors/index.js';
import { loadModel } from '../../model/load-model.js';
import { finish, writeLine } from '../write-lines.js';

/** Registers `rnn-stream backtest`: replay a JSONL event file through a model offline. */
export function registerBacktest(program: Command): void {
  program
    .command('backtest')
    .description('Replay a file of events through a model with per-key state in memory; one prediction per valid event.')
    .requiredOption('-m, --model <manifest.json>', 'model manifest (its weights file is resolved next to it)')
    .requiredOption('-i, --input <events.jsonl>', 'events, one JSON object per line ({"key","ts","features"} or market ticks)')
    .option('-o, --out <preds.jsonl>', 'write predictions here instead of standard output')
    .option('-q, --quiet', 'do not report each invalid line on standard error (the summary still counts them)')
    .addHelpText(
      'after',
      `
Each valid event yields one JSON line: {"key","ts","model","modelVersion","step","output",["decoded"],"line"}
where step is the 1-based count of that key's events and output the model head's vector.
Invalid lines (bad JSON, missing key, wrong feature count, non-finite number, ...) are reported
on standard error as "line N: <reason>: <detail>", counted in the summary, and skipped without
touching any state. Exit code: 0 when the file was processed (even with invalid lines),
1 when the model or a file cannot be read or written.`,
    )
    .action(async (opts: { model: string; input: string; out?: string; quiet?: boolean }) => {
      const loaded = await loadModel(opts.model);
      await checkInput(opts.input);
      const out = opts.out ? await openOutput(opts.out) : process.stdout;
      const started = process.hrtime.bigint();
      const input = createReadStream(opts.input, { encoding: 'utf-8' });
      const failures: { input?: Error; output?: Error } = {};
      input.on('error', (err) => (failures.input ??= err));
      out.on('error', (err) => (failures.output ??= err));
      const readerGone = (): boolean => (failures.output as NodeJS.ErrnoException | undefined)?.code === 'EPIPE';
      let summary: BacktestSummary;
      try {
        ({ summary } = await runBacktest({
          loaded,
          input,
          onPrediction: (p, line) => {
            if (failures.output) throw failures.output;
            return writeLine(out, JSON.stringify({ ...p, line }));
          },
          onInvalid: opts.quiet ? undefined : (line, reason, detail) => process.stderr.write(`line ${line}: ${reason}: ${detail}\n`),
        }));
      } catch (err) {
        // The reader closed its end (e.g. `| head -1`): it has all it wants, so stop quietly.
        if (readerGone() || (err as NodeJS.ErrnoException).code === 'EPIPE') return;
        if (failures.input) throw new RnnStreamError(`cannot read input file ${opts.input}`, { cause: failures.input });
        if (failures.output) throw new RnnStreamError(`cannot write predictions to ${opts.out ?? 'standard output'}`, { cause: failures.output });
        throw err;
      } finally {
        input.destroy();
      }
      if (readerGone()) return;
      await finish(out);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const reasons = Object.entries(summary.invalidByReason).map(([r, n]) => `${r}=${n}`).join(' ');
      process.stderr.write(
        `backtest: ${summary.lines} lines, ${summary.predictions} predictions for ${summary.keys} keys, ` +
          `${summary.invalid} invalid${reasons ? ` (${reasons})` : ''}, ${summary.timestampRegressions} timestamp regressions, ${summary.unknownTokens} unknown tokens, ` +
          `model ${loaded.manifest.name}@${loaded.version} (${loaded.manifest.cell}), ${seconds.toFixed(2)} s\n`,
      );
    });
}

/** Fails up front when the input cannot be read or is a directory (reading one fails with EISDIR). */
async function checkInput(path: string): Promise<void> {
  let info: Stats;
  try {
    info = await stat(path);
  } catch (cause) {
    throw new RnnStreamError(`cannot read input file ${path}`, { cause });
  }
  if (info.isDirectory()) throw new RnnStreamError(`input ${path} is not a file (it is a directory)`);
}

/** Opens the output file up front, so an unwritable path fails before any work is done. */
async function openOutput(path: string): Promise<Writable> {
  try {
    return (await open(path, 'w')).createWriteStream();
  } catch (cause) {
    throw new RnnStreamError(`cannot write output file ${path}`, { cause });
  }
}
