/**
 * The `rnn-stream` command line. Each sub-command lives in src/cli/commands/<name>.ts and
 * registers itself here; this file only wires them and maps errors to exit codes.
 */
import { Command, CommanderError } from 'commander';
import { redactSecrets } from '../config/redact-secrets.js';
import { ConfigError, RnnStreamError } from '../errors/index.js';
import { ACCESS_FAILURE_EXIT_CODE, accessFailure } from './access-failure.js';
import { registerBacktest } from './commands/backtest.js';
import { registerDemo } from './commands/demo.js';
import { registerSimulate } from './commands/simulate.js';
import { registerTrain } from './commands/train.js';
import { registerRetrain } from './commands/retrain.js';
import { registerModels } from './commands/models.js';
import { registerRun } from './commands/run.js';
import { registerInspect } from './commands/inspect.js';
import { registerConfig } from './commands/config.js';
import { PROJECT_VERSION } from '../config/project-version.js';

/** Builds the program with every sub-command registered. */
export function buildProgram(): Command {
  const program = new Command('rnn-stream')
    .description('Recurrent neural networks (Elman RNN, GRU, LSTM) on live event streams')
    .version(PROJECT_VERSION)
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');
  registerBacktest(program);
  registerDemo(program);
  registerSimulate(program);
  registerTrain(program);
  registerRetrain(program);
  registerModels(program);
  registerRun(program);
  registerInspect(program);
  registerConfig(program);
  return program;
}

/**
 * Runs the CLI with `argv` (as process.argv) and resolves to the exit code: 0 success,
 * 1 a failure of the run (unreadable model, unreachable service), 2 a usage or configuration error,
 * 3 access denied (wrong password, ACL, TLS handshake: the cause is named, no stack trace).
 * Messages are printed with URL passwords and private keys masked.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv as string[]);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version are "errors" in commander's exitOverride mode, with exit code 0
      return err.exitCode === 0 ? 0 : 2;
    }
    const denied = err instanceof ConfigError ? undefined : accessFailure(err);
    if (denied) {
      const detail = err instanceof Error ? ` [${err.message.split('\n')[0]}]` : '';
      process.stderr.write(redactSecrets(`rnn-stream: ${denied.text}${detail}\n`));
      return ACCESS_FAILURE_EXIT_CODE;
    }
    if (err instanceof RnnStreamError) {
      process.stderr.write(redactSecrets(`rnn-stream: ${err.message}${causeText(err)}\n`));
      return err instanceof ConfigError ? 2 : 1;
    }
    throw err;
  }
}

function causeText(err: Error): string {
  const cause = err.cause;
  return cause instanceof Error ? ` (${cause.message})` : '';
}
