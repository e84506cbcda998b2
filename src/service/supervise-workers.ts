import { fork, type ChildProcess } from 'node:child_process';
import type { Logger } from 'pino';
import type { SignalStop } from './stop-on-signals.js';

/** Options of {@link superviseWorkers}. */
export interface SuperviseWorkersOptions {
  /** Worker processes to run (at least 1). */
  readonly count: number;
  /** Script of every worker (the `rnn-stream` entry). */
  readonly entry: string;
  /** Arguments of worker i: its command line, given its index. */
  readonly args: (index: number) => readonly string[];
  /** Extra environment of worker i (merged over this process's). */
  readonly env: (index: number) => Readonly<Record<string, string>>;
  /** How long the workers have to stop after the signal is forwarded; past it they are killed. */
  readonly stopBoundMs: number;
  readonly signals: SignalStop;
  readonly logger: Logger;
}

/** Extra time the supervisor grants past the workers' own graceful bound before it kills them. */
export const SUPERVISOR_STOP_MARGIN_MS = 5_000;

/**
 * Runs `count` worker processes (node:child_process fork) until a signal or a failure, and
 * resolves to the supervisor's exit code:
 * - SIGTERM/SIGINT is forwarded to every worker, which stops gracefully on its own; 0 when all of
 *   them then exit with 0, 1 when one exits otherwise or they are still running after
 *   `stopBoundMs` (then they are killed with SIGKILL).
 * - A worker that exits while nobody asked it to (a fatal error, a crash, the OOM killer) is not
 *   restarted: the other workers are stopped the same way and the result is 1, so the failure
 *   reaches whoever restarts the service (systemd, Kubernetes), exactly as for one process.
 *
 * Workers run in their own process group, so a Ctrl-C in a terminal reaches them only through
 * the supervisor (once, not twice: a second signal would make a worker exit at once). A worker
 * whose supervisor disappears (IPC channel closed) stops gracefully by itself.
 */
export function superviseWorkers(opts: SuperviseWorkersOptions): Promise<number> {
  const { logger, signals } = opts;
  return new Promise((resolve) => {
    const workers = new Map<number, ChildProcess>();
    let failed = false;
    let stopping = false;
    let killTimer: NodeJS.Timeout | undefined;

    const stopAll = (signal: NodeJS.Signals): void => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal, workers: workers.size, boundMs: opts.stopBoundMs }, 'stopping workers');
      for (const child of workers.values()) child.kill(signal);
      killTimer = setTimeout(() => {
        logger.error({ boundMs: opts.stopBoundMs, left: [...workers.keys()] }, 'workers still running past the stop bound; killing them');
        failed = true;
        for (const child of workers.values()) child.kill('SIGKILL');
      }, opts.stopBoundMs);
    };

    const onAbort = (): void => stopAll(signals.received() ?? 'SIGTERM');
    signals.signal.addEventListener('abort', onAbort, { once: true });

    for (let index = 0; index < opts.count; index++) {
      const child = fork(opts.entry, [...opts.args(index)], {
        env: { ...process.env, ...opts.env(index) },
        stdio: 'inherit',
        detached: true,
      });
      workers.set(index, child);
      logger.info({ worker: index, pid: child.pid }, 'worker started');
      child.on('error', (error) => logger.error({ worker: index, err: error }, 'worker process error'));
      child.on('exit', (code, signal) => {
        workers.delete(index);
        const clean = stopping && code === 0;
        if (!clean) failed = true;
        logger[clean ? 'info' : 'error']({ worker: index, code, signal }, stopping ? 'worker stopped' : 'worker exited unexpectedly; stopping the others');
        if (!stopping) stopAll('SIGTERM');
        if (workers.size === 0) {
          clearTimeout(killTimer);
          signals.signal.removeEventListener('abort', onAbort);
          resolve(failed ? 1 : 0);
        }
      });
    }
    if (signals.signal.aborted) onAbort();
  });
}

/** `--workers` value: a count of at least 1, or `auto` (one per core the process may use). */
export function workerCount(value: string, cores: number): number | null {
  if (value === 'auto') return Math.max(1, cores);
  if (!/^[1-9][0-9]{0,3}$/.test(value)) return null;
  return Number(value);
}
