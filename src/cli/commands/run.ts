import { availableParallelism } from 'node:os';
import { Option, type Command } from 'commander';
import { loadConfig } from '../../config/load-config.js';
import { ConfigError } from '../../errors/index.js';
import { runService } from '../../service/run-service.js';
import { runWorkers } from '../../service/run-workers.js';
import { stopOnSignals } from '../../service/stop-on-signals.js';
import { workerCount } from '../../service/supervise-workers.js';
import { collectSetOption } from '../set-option.js';

/** Registers `rnn-stream run`: the streaming service. */
export function registerRun(program: Command): void {
  program
    .command('run')
    .description('Run the pipeline: input topic -> one RNN step per event (per-key state in Redis) -> predictions topic; serves /metrics, /healthz, /readyz.')
    .option('-c, --config <file>', 'configuration file merged over config/default.yaml (see docs/configuration.md)')
    .option('--set <key=value>', 'override one configuration key, e.g. --set kafka.groupId=prices (repeatable; validated like the file)', collectSetOption, [])
    .option('-w, --workers <n|auto>', 'consumer processes of the group to run under this command (auto: one per core)', '1')
    .addOption(new Option('--worker-index <i>', 'set by the supervisor of --workers').hideHelp())
    .addHelpText(
      'after',
      `
The configuration is validated before anything connects (\`rnn-stream config check\` validates it
alone). SIGTERM or SIGINT stops gracefully: the sub-batches in hand are finished and committed,
then Kafka and Redis are disconnected; past shutdown.gracefulTimeoutMs the process exits with
code 1. A second signal exits at once.

--workers N runs N worker processes in the same consumer group, worker i serving /metrics,
/healthz and /readyz on metrics.port + i. A signal is forwarded to every worker; a worker that
fails stops all of them. Exit code 0 after a graceful stop of every worker, 1 when one failed or
outlived the bound. Kafka gives each partition to one member, so workers beyond the input
topic's partition count stay idle.`,
    )
    .action(async (opts: { config?: string; set: string[]; workers: string; workerIndex?: string }) => {
      try {
        const config = await loadConfig({ file: opts.config, sets: opts.set });
        if (opts.workerIndex !== undefined) {
          await runService(config, stopOnSignals(undefined, { onParentExit: true }), Number(opts.workerIndex));
          return;
        }
        const count = workerCount(opts.workers, availableParallelism());
        if (count === null) throw new ConfigError(`--workers must be a whole number from 1 to 9999 or "auto", not ${JSON.stringify(opts.workers)}`, { key: '--workers' });
        if (count === 1) await runService(config);
        else await runWorkers(config, count, opts.config, opts.set);
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
