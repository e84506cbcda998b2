import type { Command } from 'commander';
import { ConfigError } from '../../errors/index.js';
import type { ClassMetrics, RegressionMetrics } from '../../train/baseline-metrics.js';
import { parseTrainingOptions, TRAINING_DEFAULTS, type RawTrainingOptions } from '../../train/run-training-options.js';
import { runTraining } from '../../train/run-training.js';
import { TARGET_KINDS } from '../../train/target-kind.js';
import { runTextTraining, type TextMetrics, type TextPartMetrics } from '../../train/text/run-text-training.js';
import { isTextTarget, parseTextTrainingOptions, TEXT_DEFAULTS, TEXT_TARGETS, type RawTextTrainingOptions } from '../../train/text/text-training-options.js';
import { TOKENIZERS } from '../../text/tokenize.js';
import { addTrainingOptions } from '../training-cli-options.js';
import { fmt, trainingProgress } from '../training-progress.js';

/** Options that only a file of events uses, and only a text file uses (refused for the other kind). */
const EVENT_ONLY = ['features', 'outputMode', 'sequenceGap', 'flatThreshold', 'classes', 'ewmaAlpha', 'allowContinuousClass', 'huberDelta'] as const;
const TEXT_ONLY = ['tokenizer', 'lowercase', 'minCount', 'maxVocab', 'embedding', 'testFraction', 'shuffle', 'skipInvalid'] as const;

/** Registers `rnn-stream train`: train a model from a JSONL file of events or a text file (docs/training.md). */
export function registerTrain(program: Command): void {
  const command = program
    .command('train')
    .description('Train a recurrent model from a file of events (time-ordered split) or a text file (token model), with early stopping and baselines.')
    .requiredOption('-i, --input <file>', 'events, one JSON object per line (market ticks or {"key","ts","features","target"}); or text, one example per line (label, next_token)')
    .requiredOption('-o, --out <dir>', 'directory for <name>.json, <name>.safetensors and validation-predictions.jsonl')
    .requiredOption('-t, --target <kind>', `what to predict: ${TARGET_KINDS.join(', ')}; from a text file: ${TEXT_TARGETS.join(', ')}`)
    .option('--name <name>', 'model name (default: the input file name)')
    .option('--val-fraction <x>', "share of each key's latest events held out for validation (text: of the examples, after the training ones)", String(TRAINING_DEFAULTS.valFraction));
  addTrainingOptions(command)
    .option('--tokenizer <kind>', `text: ${TOKENIZERS.join(', ')}`, TEXT_DEFAULTS.tokenizer)
    .option('--lowercase', 'text: lower-case before tokenizing (recorded in the vocabulary)')
    .option('--min-count <n>', 'text: a token enters the vocabulary when it occurs this often in the training split', String(TEXT_DEFAULTS.minCount))
    .option('--max-vocab <n>', 'text: most tokens in the vocabulary, <unk> included', String(TEXT_DEFAULTS.maxVocab))
    .option('--embedding <n>', 'text: embedding size', String(TEXT_DEFAULTS.embedding))
    .option('--test-fraction <x>', 'text: share of the examples (the last ones) held out for test; 0 = none', String(TEXT_DEFAULTS.testFraction))
    .option('--shuffle', 'text: shuffle the examples with --seed before splitting (default: split in file order)')
    .option('--skip-invalid', 'text: leave invalid lines out (each reported) instead of refusing the file')
    .addHelpText('after', '\nSee docs/training.md for targets, the split, the baselines and the files written.')
    .action(async (raw: Record<string, string | boolean | undefined>) => {
      const given = (names: readonly string[]) => names.filter((n) => command.getOptionValueSource(n) === 'cli');
      const flag = (n: string) => `--${n.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
      const text = isTextTarget(raw.target as string);
      const misplaced = given(text ? EVENT_ONLY : TEXT_ONLY);
      if (misplaced.length > 0) {
        const kind = text ? `a text target (${TEXT_TARGETS.join(', ')})` : `an event target (${TARGET_KINDS.join(', ')})`;
        throw new ConfigError(`${misplaced.map(flag).join(', ')} does not apply to ${kind}`, { key: flag(misplaced[0]) });
      }
      if (text) return trainText(raw);
      for (const n of TEXT_ONLY) delete raw[n];
      const { sequenceGap, quiet, allowContinuousClass, ...rest } = raw;
      const opts = parseTrainingOptions({
        ...(rest as RawTrainingOptions),
        sequenceGapMs: sequenceGap as string | undefined,
        allowContinuousClass: allowContinuousClass === true ? 'true' : undefined,
      });
      let warnings = 0;
      const display = trainingProgress(opts.epochs, false);
      const result = await runTraining(opts, {
        ...display,
        onWarning(text) {
          warnings++;
          if (!quiet) process.stderr.write(`${text}\n`);
        },
      }).finally(() => display.stop());
      const { model, baselines } = result.validation;
      process.stderr.write(
        `train: ${warnings} warnings, ${result.loop.epochsRun} epochs, best epoch ${result.loop.bestEpoch}; wrote ${result.manifestPath}, ${result.weightsPath}, ${result.predictionsPath}\n` +
          `validation (${model.n} scored steps):\n${metricRow('model', model)}\n` +
          Object.entries(baselines).map(([name, m]) => metricRow(name, m)).join('\n') +
          '\n',
      );
    });
}

async function trainText(raw: Record<string, string | boolean | undefined>): Promise<void> {
  const { quiet, lowercase, shuffle, skipInvalid, ...rest } = raw;
  const flagValue = (v: string | boolean | undefined) => (v === true ? 'true' : undefined);
  const opts = parseTextTrainingOptions({
    ...(rest as RawTextTrainingOptions),
    lowercase: flagValue(lowercase),
    shuffle: flagValue(shuffle),
    skipInvalid: flagValue(skipInvalid),
  });
  let warnings = 0;
  const display = trainingProgress(opts.epochs, false);
  const result = await runTextTraining(opts, {
    ...display,
    onWarning(text) {
      warnings++;
      if (!quiet) process.stderr.write(`${text}\n`);
    },
  }).finally(() => display.stop());
  const ds = result.dataset;
  const cov = ds.coverage;
  const oov = (part: 'train' | 'validation' | 'test') => `${part} ${cov[part].examples} examples, ${cov[part].tokens} tokens, ${cov[part].unknown} unknown (${fmt(cov[part].tokens > 0 ? (100 * cov[part].unknown) / cov[part].tokens : 0)}%)`;
  const lm = opts.target === 'next_token';
  const section = (title: string, m: TextPartMetrics) =>
    `${title} (${m.model.n} scored ${lm ? 'tokens' : 'examples'}):\n${textRow('model', m.model, lm)}\n` +
    Object.entries(m.baselines).map(([name, b]) => textRow(name, b, lm)).join('\n') +
    '\n';
  process.stderr.write(
    `train: ${warnings} warnings, ${result.loop.epochsRun} epochs, best epoch ${result.loop.bestEpoch}; wrote ${result.manifestPath}, ${result.weightsPath}, ${result.predictionsPath}\n` +
      `vocabulary: ${ds.vocabulary.tokens.length} tokens (<unk> included), ${ds.droppedTokens} training tokens left out; ${oov('train')}; ${oov('validation')}; ${oov('test')}\n` +
      (lm ? '' : `classes: ${ds.classes.join(', ')}\n`) +
      section('validation', result.validation) +
      (result.test ? section('test', result.test) : ''),
  );
}

function textRow(name: string, m: TextMetrics, lm: boolean): string {
  const bits = lm && m.bitsPerToken !== undefined ? ` bits_per_token=${fmt(m.bitsPerToken)}` : '';
  return `  ${name.padEnd(16)} accuracy=${fmt(m.accuracy)} cross_entropy=${m.crossEntropy === null ? '-' : fmt(m.crossEntropy)}${bits}`;
}

function metricRow(name: string, m: RegressionMetrics | ClassMetrics): string {
  const values =
    'mse' in m
      ? `mse=${fmt(m.mse)} mae=${fmt(m.mae)}${m.qlike === undefined ? '' : ` qlike=${fmt(m.qlike)}`}`
      : `accuracy=${fmt(m.accuracy)} cross_entropy=${m.crossEntropy === null ? '-' : fmt(m.crossEntropy)}`;
  return `  ${name.padEnd(14)} ${values}`;
}
