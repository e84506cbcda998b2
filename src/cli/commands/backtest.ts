import { createReadStream } from 'node:fs';
import { access, open } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { runBacktest } from '../../backtest/run-backtest.js';
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
      try {
        await access(opts.input);
      } catch (cause) {
        throw new RnnStreamError(`cannot read input file ${opts.input}`, { cause });
      }
      const out = opts.out ? await openOutput(opts.out) : process.stdout;
      const started = process.hrtime.bigint();
      const { summary } = await runBacktest({
        loaded,
        input: createReadStream(opts.input, { encoding: 'utf-8' }),
        onPrediction: (p, line) => writeLine(out, JSON.stringify({ ...p, line })),
        onInvalid: opts.quiet ? undefined : (line, reason, detail) => process.stderr.write(`line ${line}: ${reason}: ${detail}\n`),
      });
      await finish(out);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const reasons = Object.entries(summary.invalidByReason).map(([r, n]) => `${r}=${n}`).join(' ');
      process.stderr.write(
        `backtest: ${summary.lines} lines, ${summary.predictions} predictions for ${summary.keys} keys, ` +
          `${summary.invalid} invalid${reasons ? ` (${reasons})` : ''}, ${summary.timestampRegressions} timestamp regressions, ` +
          `model ${loaded.manifest.name}@${loaded.version} (${loaded.manifest.cell}), ${seconds.toFixed(2)} s\n`,
      );
    });
}

/** Opens the output file up front, so an unwritable path fails before any work is done. */
async function openOutput(path: string): Promise<Writable> {
  try {
    return (await open(path, 'w')).createWriteStream();
  } catch (cause) {
    throw new RnnStreamError(`cannot write output file ${path}`, { cause });
  }
}
