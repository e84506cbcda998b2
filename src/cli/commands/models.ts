import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config.js';
import type { ModelRegistry, ModelVersionInfo } from '../../registry/model-registry.js';
import { openRegistry } from '../../service/open-registry.js';
import { formatTable } from '../format-table.js';
import { fmt } from '../training-progress.js';
import { writeLine } from '../write-lines.js';
import { formatModelsStatus, modelsStatus } from './models-status.js';

/** Registers `rnn-stream models list|show|promote|rollback|shadow|unshadow|status` (docs/registry.md). */
export function registerModels(program: Command): void {
  const models = program.command('models').description('The model registry: versions, their provenance and metrics, the champion.');
  const withRegistry = (action: (registry: ModelRegistry, opts: { reason?: string }, ...args: string[]) => Promise<string>) => async (...args: unknown[]) => {
    const opts = args.at(-2) as { config?: string; reason?: string };
    const config = await loadConfig({ file: opts.config });
    const registry = openRegistry(config);
    try {
      await writeLine(process.stdout, (await action(registry, opts, ...(args.slice(0, -2) as string[]))).trimEnd());
    } finally {
      await registry.close();
    }
  };
  models
    .command('list')
    .description('Every version, oldest first, with its validation metric; * marks the champion.')
    .option('-c, --config <file>', 'configuration file (registry section)')
    .action(withRegistry(async (registry) => {
      const [list, champion] = await Promise.all([registry.list(), registry.champion()]);
      if (list.length === 0) return 'the registry has no model version yet';
      return formatTable(
        ['', 'version', 'name', 'target', 'registered', 'validation', 'test', 'data'],
        list.map((v) => [v.version === champion ? '*' : '', v.version, v.name, v.target ?? '-', v.registeredAt, metricText(v, 'validation'), metricText(v, 'test'), dataText(v)]),
      );
    }));
  models
    .command('show')
    .description("One version's provenance and metrics (JSON).")
    .argument('<version>', 'version id or a unique prefix (4+ hex digits)')
    .option('-c, --config <file>', 'configuration file (registry section)')
    .action(withRegistry(async (registry, _opts, version) => {
      const info = await registry.show(version);
      return JSON.stringify({ ...info, champion: (await registry.champion()) === info.version }, null, 2);
    }));
  models
    .command('promote')
    .description('Make a version the champion (the model in production); the previous one is kept for rollback.')
    .argument('<version>', 'version id or a unique prefix')
    .option('-c, --config <file>', 'configuration file (registry section)')
    .option('--reason <text>', 'recorded in the history', 'promoted by hand')
    .action(withRegistry(async (registry, opts, version) => {
      const change = await registry.promote(version, opts.reason ?? 'promoted by hand');
      return `champion: ${change.version} (was ${change.previous ?? 'none'})`;
    }));
  models
    .command('rollback')
    .description('Make the previous champion the champion again.')
    .option('-c, --config <file>', 'configuration file (registry section)')
    .action(withRegistry(async (registry) => {
      const change = await registry.rollback('rolled back by hand');
      return `champion: ${change.version} (was ${change.previous ?? 'none'})`;
    }));
  models
    .command('shadow')
    .description('Run a version beside the champion on live traffic, unpublished (pipelines with model.followRegistry pick it up).')
    .argument('<version>', 'version id or a unique prefix')
    .option('-c, --config <file>', 'configuration file (registry section)')
    .option('--reason <text>', 'recorded in the history', 'shadowed by hand')
    .action(withRegistry(async (registry, opts, version) => {
      const change = await registry.addShadow(version, opts.reason ?? 'shadowed by hand');
      return `shadows: ${change.shadows?.join(', ') || 'none'} (champion ${change.version ?? 'none'})`;
    }));
  models
    .command('unshadow')
    .description('Stop running a shadow version.')
    .argument('<version>', 'version id or a unique prefix')
    .option('-c, --config <file>', 'configuration file (registry section)')
    .option('--reason <text>', 'recorded in the history', 'unshadowed by hand')
    .action(withRegistry(async (registry, opts, version) => {
      const change = await registry.removeShadow(version, opts.reason ?? 'unshadowed by hand');
      return `shadows: ${change.shadows?.join(', ') || 'none'} (champion ${change.version ?? 'none'})`;
    }));
  models
    .command('status')
    .description("A running deployment: the registry's champion and shadows, what each worker runs, and each live model's scores and drift state, as the workers publish them to Redis.")
    .option('-c, --config <file>', 'configuration file (registry and redis sections)')
    .option('--group <id>', 'the deployment: its consumer group id (default: kafka.groupId)')
    .option('--json', 'print the status as JSON')
    .action(async (opts: { config?: string; group?: string; json?: boolean }) => {
      const config = await loadConfig({ file: opts.config });
      const registry = openRegistry(config);
      try {
        const status = await modelsStatus(config, registry, { group: opts.group });
        await writeLine(process.stdout, opts.json ? JSON.stringify(status, null, 2) : formatModelsStatus(status));
      } finally {
        await registry.close();
      }
    });
}

/** The headline metric of a window: QLIKE, MSE or accuracy, with the scored steps. */
function metricText(v: ModelVersionInfo, window: 'validation' | 'test'): string {
  const m = (v.metrics[window] as { model?: Record<string, number> } | undefined)?.model;
  if (!m) return '-';
  if (m.qlike !== undefined) return `qlike ${fmt(m.qlike)} (n ${m.n})`;
  if (m.mse !== undefined) return `mse ${fmt(m.mse)} (n ${m.n})`;
  if (m.accuracy !== undefined) return `accuracy ${fmt(m.accuracy)} (n ${m.n})`;
  return '-';
}

/** Where the data came from, briefly. */
function dataText(v: ModelVersionInfo): string {
  const p = v.provenance as { topic?: string; from?: string; to?: string; input?: string; validEvents?: number };
  const where = p.topic ? `${p.topic} ${p.from ?? ''}..${p.to ?? ''}` : (p.input ?? '-');
  return p.validEvents === undefined ? where : `${where} (${p.validEvents} events)`;
}
