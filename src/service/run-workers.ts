import type { ServiceConfig } from '../config/service-config.js';
import { ConfigError, RnnStreamError } from '../errors/index.js';
import { serviceLogger } from './service-logger.js';
import { stopOnSignals } from './stop-on-signals.js';
import { SUPERVISOR_STOP_MARGIN_MS, superviseWorkers } from './supervise-workers.js';

/**
 * `run --workers N`: N copies of `run` in worker processes of the same consumer group (same
 * configuration file and --set overrides; worker i serves its metrics on metrics.port + i) under this process as
 * their supervisor (supervise-workers.ts). Resolves after every worker stopped gracefully on a
 * signal; throws when a worker failed or outlived the stop bound.
 */
export async function runWorkers(config: ServiceConfig, count: number, configFile: string | undefined, sets: readonly string[] = []): Promise<void> {
  if (config.model.manifest === null) {
    throw new ConfigError('model.manifest is not set: `run` needs a model (config file, or RNN_STREAM_MODEL_MANIFEST)', { key: 'model.manifest' });
  }
  const port = config.metrics.port;
  if (port !== 0 && port + count - 1 > 65535) {
    throw new ConfigError(`metrics.port ${port} with ${count} workers goes beyond port 65535: worker i listens on metrics.port + i`, { key: 'metrics.port' });
  }
  const logger = serviceLogger(config.logging.level).child({ role: 'supervisor' });
  const code = await superviseWorkers({
    count,
    entry: process.argv[1],
    args: (i) => ['run', ...(configFile === undefined ? [] : ['--config', configFile]), ...sets.flatMap((kv) => ['--set', kv]), '--worker-index', String(i)],
    env: (i) => ({ RNN_STREAM_METRICS_PORT: String(port === 0 ? 0 : port + i) }),
    stopBoundMs: config.shutdown.gracefulTimeoutMs + SUPERVISOR_STOP_MARGIN_MS,
    signals: stopOnSignals(),
    logger,
  });
  if (code !== 0) throw new RnnStreamError('a worker failed or did not stop within its bound (see the log); all workers were stopped');
}
