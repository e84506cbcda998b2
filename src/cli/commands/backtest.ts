import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import type { BacktestRunnerOptions, BacktestSummary, InputPosition } from '../../backtest/backtest-runner.js';
import { runBacktest } from '../../backtest/run-backtest.js';
import { runTopicBacktest } from '../../backtest/run-topic-backtest.js';
import { loadConfig } from '../../config/load-config.js';
import type { ServiceConfig } from '../../config/service-config.js';
import { ConfigError, RnnStreamError } from '../../errors/index.js';
import { consumerOptions } from '../../kafka/client-options.js';
import { createKafka } from '../../kafka/create-kafka.js';
import type { LoadedModel } from '../../model/load-model.js';
import { predictionLine } from '../../records/prediction-line.js';
import { parseInstant } from '../../replay/retrain-window.js';
import { resolveModel } from '../resolve-model.js';
import { trainingProgress } from '../training-progress.js';
import { finish, writeLine } from '../write-lines.js';

interface BacktestCliOptions {
  model: string;
  input?: string;
  config?: string;
  topic?: string;
  from?: string;
  to?: string;
  predictFrom?: string;
  out?: string;
  quiet?: boolean;
}

/** Registers `rnn-stream backtest`: replay a JSONL event file, or a time range of a Kafka topic, through a model offline. */
export function registerBacktest(program: Command): void {
  program
    .command('backtest')
    .description('Replay a file of events, or a time range of a Kafka topic, through a model with per-key state in memory; one prediction per valid event.')
    .requiredOption('-m, --model <manifest.json|version>', 'model manifest (its weights resolved next to it), or a registry version (4+ hex digits, as `models list` prints)')
    .option('-i, --input <events.jsonl>', 'events, one JSON object per line ({"key","ts","features"} or market ticks)')
    .option('-c, --config <file>', 'configuration file: the registry, the Kafka connection and kafka.inputTopic, the events limits')
    .option('--topic <topic>', 'read this Kafka topic instead of a file (default: kafka.inputTopic when --from/--to are given)')
    .option('--from <time>', 'topic: start of the range, inclusive (ISO-8601 with zone, or epoch ms; Kafka record timestamps)')
    .option('--to <time>', 'topic: end of the range, exclusive')
    .option('--predict-from <time>', "events before this time only warm their key's state up: predictions start at each key's first event at or after it")
    .option('-o, --out <preds.jsonl>', 'write predictions here instead of standard output')
    .option('-q, --quiet', 'do not report each invalid input on standard error (the summary still counts them)')
    .addHelpText(
      'after',
      `
Each valid event yields one JSON line: {"key","ts","model","modelVersion","step","output",["decoded"],
"line"} for a file, with "partition" and "offset" instead of "line" for a topic; step is the
1-based count of that key's events and output the model head's vector. A topic range is read
like retrain reads it (docs/training.md): per partition the offsets whose record timestamps are
in [--from, --to), by a throwaway consumer group that commits nothing; predictions come per
partition in offset order. With --predict-from set to retrain's --validate-from (and --from,
--to its --from and --test-from or --to) the lines are those of its validation-predictions.jsonl.
Invalid inputs (bad JSON, missing key, wrong feature count, non-finite number, ...) are reported
on standard error as "line N: <reason>: <detail>" (or "partition P offset O: ..."), counted in the
summary, and skipped without touching any state. Exit code: 0 when the input was processed (even
with invalid inputs), 1 when the model, a file or the topic cannot be read or written, 2 a usage
or configuration error.`,
    )
    .action(async (opts: BacktestCliOptions) => {
      const fromTopic = opts.topic !== undefined || opts.from !== undefined || opts.to !== undefined;
      if (fromTopic === (opts.input !== undefined)) {
        throw new ConfigError('give either --input <file> or a topic range (--from and --to, optionally --topic)', { key: '--input' });
      }
      const predictFrom = opts.predictFrom === undefined ? undefined : parseInstant(opts.predictFrom, '--predict-from');
      const range = fromTopic ? { from: parseInstant(opts.from, '--from'), to: parseInstant(opts.to, '--to') } : undefined;
      if (range && !(range.from < range.to)) throw new ConfigError(`--from must be before --to; got ${opts.from} and ${opts.to}`, { key: '--from' });
      const config = await loadConfig({ file: opts.config });
      const loaded = await resolveModel(opts.model, config);
      if (opts.input !== undefined) await checkInput(opts.input);
      const out = opts.out ? await openOutput(opts.out) : process.stdout;
      const started = process.hrtime.bigint();
      const failures: { output?: Error } = {};
      out.on('error', (err) => (failures.output ??= err));
      const readerGone = (): boolean => (failures.output as NodeJS.ErrnoException | undefined)?.code === 'EPIPE';
      const callbacks: Pick<BacktestRunnerOptions, 'onPrediction' | 'onInvalid' | 'predictFrom'> = {
        predictFrom,
        onPrediction: (p, at) => {
          if (failures.output) throw failures.output;
          return writeLine(out, predictionLine(p, at));
        },
        onInvalid: opts.quiet ? undefined : (at, reason, detail) => process.stderr.write(`${where(at)}: ${reason}: ${detail}\n`),
      };
      let summary: BacktestSummary;
      let source: string;
      try {
        if (range) {
          const topic = opts.topic ?? config.kafka.inputTopic;
          source = `topic ${topic} [${new Date(range.from).toISOString()}, ${new Date(range.to).toISOString()})`;
          summary = await topicBacktest(config, loaded, topic, range, callbacks);
        } else {
          source = opts.input!;
          summary = await fileBacktest(opts.input!, loaded, callbacks);
        }
      } catch (err) {
        // The reader closed its end (e.g. `| head -1`): it has all it wants, so stop quietly.
        if (readerGone() || (err as NodeJS.ErrnoException).code === 'EPIPE') return;
        if (failures.output) throw new RnnStreamError(`cannot write predictions to ${opts.out ?? 'standard output'}`, { cause: failures.output });
        throw err;
      }
      if (readerGone()) return;
      await finish(out);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const reasons = Object.entries(summary.invalidByReason).map(([r, n]) => `${r}=${n}`).join(' ');
      const warmUp = predictFrom === undefined ? '' : `, ${summary.warmUp} warm-up events`;
      process.stderr.write(
        `backtest: ${summary.lines} ${range ? 'messages' : 'lines'}, ${summary.predictions} predictions for ${summary.keys} keys${warmUp}, ` +
          `${summary.invalid} invalid${reasons ? ` (${reasons})` : ''}, ${summary.timestampRegressions} timestamp regressions, ${summary.unknownTokens} unknown tokens, ` +
          `model ${loaded.manifest.name}@${loaded.version} (${loaded.manifest.cell}), ${source}, ${seconds.toFixed(2)} s\n`,
      );
    });
}

type Callbacks = Pick<BacktestRunnerOptions, 'onPrediction' | 'onInvalid' | 'predictFrom'>;

async function fileBacktest(path: string, loaded: LoadedModel, callbacks: Callbacks): Promise<BacktestSummary> {
  const input = createReadStream(path, { encoding: 'utf-8' });
  let failure: Error | undefined;
  input.on('error', (err) => (failure ??= err));
  const { onPrediction, onInvalid } = callbacks;
  try {
    const { summary } = await runBacktest({
      loaded,
      input,
      predictFrom: callbacks.predictFrom,
      onPrediction: (p, line) => onPrediction(p, { partition: -1, pos: line }),
      onInvalid: onInvalid && ((line, reason, detail) => onInvalid({ partition: -1, pos: line }, reason, detail)),
    });
    return summary;
  } catch (err) {
    if (failure) throw new RnnStreamError(`cannot read input file ${path}`, { cause: failure });
    throw err;
  } finally {
    input.destroy();
  }
}

async function topicBacktest(config: ServiceConfig, loaded: LoadedModel, topic: string, range: { from: number; to: number }, callbacks: Callbacks): Promise<BacktestSummary> {
  const kafka = createKafka(config.kafka);
  const admin = kafka.admin();
  const display = trainingProgress(0, true);
  try {
    await admin.connect();
    const { summary } = await runTopicBacktest({
      ...callbacks,
      loaded,
      kafka,
      admin,
      topic,
      fromMs: range.from,
      toMs: range.to,
      limits: config.events,
      consumer: consumerOptions(config.kafka, `${config.kafka.groupId}.backtest`),
      groupPrefix: `${config.kafka.groupId}.backtest`,
      onProgress: display.onReplay,
      onWarning: (text) => process.stderr.write(`${text}\n`),
    });
    return summary;
  } finally {
    display.stop();
    await admin.disconnect();
  }
}

/** `line N` for a file, `partition P offset O` for a topic. */
function where(at: InputPosition): string {
  return at.partition < 0 ? `line ${at.pos}` : `partition ${at.partition} offset ${at.pos}`;
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
