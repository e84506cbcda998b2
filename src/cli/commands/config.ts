import type { Command } from 'commander';
import { stringify } from 'yaml';
import { loadConfig } from '../../config/load-config.js';
import { redactValue } from '../../config/redact-secrets.js';
import { loadModel } from '../../model/load-model.js';
import { collectSetOption } from '../set-option.js';

/** Registers `rnn-stream config check`: validates a configuration without connecting to anything. */
export function registerConfig(program: Command): void {
  const config = program.command('config').description('Work with the service configuration (see docs/configuration.md).');
  config
    .command('check')
    .description('Validate the configuration (defaults, --config file, environment, --set) and print the effective values with secrets masked. Connects to nothing.')
    .option('-c, --config <file>', 'configuration file merged over config/default.yaml')
    .option('--set <key=value>', 'override one configuration key, e.g. --set kafka.groupId=prices (repeatable)', collectSetOption, [])
    .addHelpText(
      'after',
      `
Exit code 0 when the configuration is valid; 2 when it is not, with every problem named by key,
value, rule and where the value came from; 1 when model.manifest is set but the model cannot be
loaded. Passwords (SASL, Redis, in URLs) and TLS private keys are printed as ********.`,
    )
    .action(async (opts: { config?: string; set: string[] }) => {
      const effective = await loadConfig({ file: opts.config, sets: opts.set });
      if (effective.model.manifest !== null) await loadModel(effective.model.manifest);
      process.stdout.write(`# effective configuration (valid)\n${stringify(redactValue(effective))}`);
    });
}
