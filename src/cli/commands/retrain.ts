import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config.js';
import { ConfigError } from '../../errors/index.js';
import { promotionDecision, type PromoteMode } from '../../replay/promotion-decision.js';
import { openRegistry } from '../../service/open-registry.js';
import { CODE_VERSION } from '../code-version.js';
import { createKafka } from '../../kafka/create-kafka.js';
import { loadModel } from '../../model/load-model.js';
import { parseRetrainWindow } from '../../replay/retrain-window.js';
import { runRetrain } from '../../replay/run-retrain.js';
import { parseTrainingOptions, type RawTrainingOptions } from '../../train/run-training-options.js';
import { checkOutputDirectory } from '../../train/run-training.js';
import { writeValidationPredictions } from '../../train/run-training-validation.js';
import { TARGET_KINDS } from '../../train/target-kind.js';
import { comparisonTable } from '../comparison-table.js';
import { addTrainingOptions } from '../training-cli-options.js';
import { trainingProgress } from '../training-progress.js';
import { writeLine } from '../write-lines.js';

/** Registers `rnn-stream retrain`: replay a time range of the input topic and train on it (docs/training.md). */
export function registerRetrain(program: Command): void {
  const command = program
    .command('retrain')
    .description('Replay a time range of the input topic from Kafka, train a candidate with calendar-time splits, and compare it with the champion and the baselines.')
    .requiredOption('-c, --config <file>', 'configuration file (Kafka connection and kafka.inputTopic, events limits, model.manifest = the champion)')
    .requiredOption('--from <time>', 'start of the range, inclusive (ISO-8601 with zone, or epoch ms; Kafka record timestamps)')
    .requiredOption('--to <time>', 'end of the range, exclusive')
    .option('--validate-from <time>', 'validation starts here (default: 80% into the range, or into [from, test-from))')
    .option('--test-from <time>', 'test window from here to --to (default: none)')
    .requiredOption('-t, --target <kind>', `what to predict: ${TARGET_KINDS.join(', ')}`)
    .requiredOption('-o, --out <dir>', 'directory for the candidate: <name>.json, <name>.safetensors, validation-predictions.jsonl')
    .option('--name <name>', 'model name (default: <input topic>-<target>)')
    .option('--promote <mode>', 'auto (beats the champion on validation by registry.promoteMargin), force, never', 'auto');
  addTrainingOptions(command)
    .addHelpText('after', '\nSee docs/training.md ("Retraining from Kafka") for the range, the splits, the baselines and the table.')
    .action(async (raw: Record<string, string | boolean | undefined>) => {
      const { config: configFile, from, to, validateFrom, testFrom, sequenceGap, quiet, allowContinuousClass, promote, ...rest } = raw;
      if (!['auto', 'force', 'never'].includes(promote as string)) throw new ConfigError(`--promote must be one of auto, force, never; got ${JSON.stringify(promote)}`, { key: '--promote' });
      const window = parseRetrainWindow({ from: from as string, to: to as string, validateFrom: validateFrom as string | undefined, testFrom: testFrom as string | undefined });
      const config = await loadConfig({ file: configFile as string });
      const training = parseTrainingOptions({
        ...(rest as RawTrainingOptions),
        input: `kafka:${config.kafka.inputTopic}`,
        name: (rest.name as string | undefined) ?? `${config.kafka.inputTopic}-${rest.target as string}`,
        sequenceGapMs: sequenceGap as string | undefined,
        allowContinuousClass: allowContinuousClass === true ? 'true' : undefined,
      });
      await checkOutputDirectory(training.out);
      const registry = openRegistry(config);
      const championVersion = await registry.champion();
      const champion =
        championVersion !== null
          ? { label: `registry champion ${championVersion}`, loaded: await loadModel(await registry.open(championVersion)) }
          : config.model.manifest === null
            ? undefined
            : { label: `model.manifest ${config.model.manifest}`, loaded: await loadModel(config.model.manifest) };
      const kafka = createKafka(config.kafka);
      const admin = kafka.admin();
      const display = trainingProgress(training.epochs, true);
      let warnings = 0;
      try {
        await admin.connect();
        const result = await runRetrain({
          config,
          kafka,
          admin,
          window,
          training,
          champion,
          progress: {
            ...display,
            onWarning(text) {
              warnings++;
              if (!quiet) process.stderr.write(`${text}\n`);
            },
          },
        });
        display.stop();
        const t = result.training;
        process.stderr.write(
          `retrain: ${t.data.validEvents} events of ${t.data.keys.length} keys from ${config.kafka.inputTopic}, ${t.data.rejected} rejected, ${warnings} warnings; ` +
            `${t.loop.epochsRun} epochs, best epoch ${t.loop.bestEpoch}; wrote ${t.manifestPath}\n`,
        );
        await writeLine(process.stdout, comparisonTable(result.rows).trimEnd());
        const { info, created } = await registry.register(t.manifestPath, { codeVersion: CODE_VERSION, registeredBy: 'retrain' });
        const decision = promotionDecision(promote as PromoteMode, config.registry.promoteMargin, t.validation.model, result.champion?.validation);
        process.stderr.write(`registry: candidate ${info.version}${created ? '' : ' (already registered)'}; ${decision.promote ? 'promoted' : 'not promoted'}: ${decision.reason}\n`);
        if (decision.promote) await registry.promote(info.version, `retrain: ${decision.reason}`);
        // The validation predictions name the registered version, as the pipeline's and backtest's do.
        const registered = await loadModel(await registry.open(info.version));
        writeValidationPredictions(registered, t.dataset.series, t.dataset.shape, t.predictionsPath);
      } finally {
        display.stop();
        await admin.disconnect();
        await registry.close();
      }
    });
}
