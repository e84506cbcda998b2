import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config.js';
import { runService } from '../../service/run-service.js';
import { collectSetOption } from '../set-option.js';

/** Registers `rnn-stream run`: the streaming service. */
export function registerRun(program: Command): void {
  program
    .command('run')
    .description('Run the pipeline: input topic -> one RNN step per event (per-key state in Redis) -> predictions topic; serves /metrics, /healthz, /readyz.')
    .option('-c, --config <file>', 'configuration file merged over config/default.yaml (see docs/configuration.md)')
    .option('--set <key=value>', 'override one configuration key, e.g. --set kafka.groupId=prices (repeatable; validated like the file)', collectSetOption, [])
    .addHelpText(
      'after',
      `
The configuration is validated before anything connects (\`rnn-stream config check\` validates it
alone). SIGTERM or SIGINT stops gracefully: the batches in hand are finished and committed, then
Kafka and Redis are disconnected; past shutdown.gracefulTimeoutMs the process exits with code 1.
A second signal exits at once.`,
    )
    .action(async (opts: { config?: string; set: string[] }) => {
      try {
        await runService(await loadConfig({ file: opts.config, sets: opts.set }));
      } finally {
        exitIfStillAlive();
      }
    });
}

/**
 * After a stop, nothing of the service should keep the process alive; a client library's
 * pending reconnect timer can (kafkajs schedules a consumer restart after a crash, and that
 * restart would rejoin the group with no pipeline behind it, holding partitions). This timer does
 * not keep the process alive itself (unref), but if something else does, it ends the process.
 */
function exitIfStillAlive(): void {
  setTimeout(() => {
    process.stderr.write('rnn-stream: handles still open 2 s after the service stopped; exiting\n');
    process.exit(process.exitCode ?? 1);
  }, 2_000).unref();
}
