/**
 * The operator's command run on a drift detection (quality.drift.command), e.g. a retrain: an
 * argument list started without a shell (no word splitting, globbing or injection: the
 * detection's details reach it as environment variables, never as command text), at most one at
 * a time, not again within the cool-down after a start, stopped after its timeout (SIGTERM,
 * then SIGKILL 5 s later). Its stdout and stderr are logged line by line (at most
 * {@link MAX_LOGGED_BYTES} per run, the rest counted) and its end is counted by outcome.
 */
import { spawn } from 'node:child_process';
import type { Logger } from 'pino';
import type { DriftCommandOutcome } from '../metrics/live-quality-metrics.js';

/** Output bytes of one run that are logged; more are counted and dropped. */
export const MAX_LOGGED_BYTES = 64 * 1024;
const KILL_GRACE_MS = 5000;

/** Options of a {@link DriftCommand}. */
export interface DriftCommandOptions {
  /** Program and its arguments; empty: detections run nothing. */
  readonly argv: readonly string[];
  readonly cooldownMs: number;
  readonly timeoutMs: number;
  readonly logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Counts each run's end (and detections skipped by the cool-down). */
  readonly onOutcome: (outcome: DriftCommandOutcome) => void;
  /** Monotonic milliseconds (cool-down). */
  readonly clock?: () => number;
}

/** What the command is told about a detection. */
export interface DriftDetection {
  readonly model: string;
  readonly version: string;
  readonly statistic: number;
}

/** Runs the drift command with a cool-down (see the file header). */
export class DriftCommand {
  private readonly options: DriftCommandOptions;
  private lastStart = -Infinity;
  private running: Promise<DriftCommandOutcome> | null = null;

  constructor(options: DriftCommandOptions) {
    this.options = options;
  }

  /** Starts the command for `detection` unless one runs or the cool-down holds; resolves when it ends (undefined if not started). */
  trigger(detection: DriftDetection): Promise<DriftCommandOutcome> | undefined {
    const { argv, cooldownMs, logger } = this.options;
    if (argv.length === 0) return undefined;
    const now = (this.options.clock ?? (() => performance.now()))();
    if (this.running !== null || now - this.lastStart < cooldownMs) {
      logger.info({ ...detection, cooldownMs }, 'drift command not run: one is running or the cool-down holds');
      this.options.onOutcome('skipped_cooldown');
      return undefined;
    }
    this.lastStart = now;
    const run = this.run(detection).finally(() => {
      this.running = null;
    });
    this.running = run;
    return run;
  }

  /** The run in progress, if any (tests and shutdown wait for it). */
  get inProgress(): Promise<DriftCommandOutcome> | null {
    return this.running;
  }

  private run(detection: DriftDetection): Promise<DriftCommandOutcome> {
    const { argv, timeoutMs, logger, onOutcome } = this.options;
    const [program, ...args] = argv;
    const log = { command: program, model: detection.model, version: detection.version };
    logger.warn({ ...log, args, statistic: detection.statistic }, 'drift detected: running the drift command');
    return new Promise<DriftCommandOutcome>((resolve) => {
      let logged = 0;
      let dropped = 0;
      let timedOut = false;
      let settled = false;
      const finish = (outcome: DriftCommandOutcome, detail: Record<string, unknown>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearTimeout(killTimer);
        if (dropped > 0) logger.warn({ ...log, droppedBytes: dropped }, 'drift command output beyond the logged limit was dropped');
        (outcome === 'succeeded' ? logger.info.bind(logger) : logger.error.bind(logger))({ ...log, outcome, ...detail }, 'drift command ended');
        onOutcome(outcome);
        resolve(outcome);
      };
      const child = spawn(program, args, {
        shell: false,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          RNN_STREAM_DRIFT_MODEL: detection.model,
          RNN_STREAM_DRIFT_VERSION: detection.version,
          RNN_STREAM_DRIFT_STATISTIC: String(detection.statistic),
        },
      });
      let killTimer: NodeJS.Timeout | undefined;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGTERM');
        killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
        killTimer.unref();
      }, timeoutMs);
      timer.unref();
      const flushers: (() => void)[] = [];
      const lines = (stream: 'stdout' | 'stderr') => {
        let pending = '';
        flushers.push(() => {
          if (pending.length > 0) logger.info({ ...log, stream, line: pending }, 'drift command output');
          pending = '';
        });
        return (chunk: Buffer) => {
          if (logged >= MAX_LOGGED_BYTES) {
            dropped += chunk.length;
            return;
          }
          const take = chunk.subarray(0, MAX_LOGGED_BYTES - logged);
          logged += take.length;
          dropped += chunk.length - take.length;
          const parts = (pending + take.toString('utf8')).split('\n');
          pending = parts.pop() ?? '';
          for (const line of parts) if (line.length > 0) logger.info({ ...log, stream, line }, 'drift command output');
          if (logged >= MAX_LOGGED_BYTES && pending.length > 0) {
            logger.info({ ...log, stream, line: pending }, 'drift command output');
            pending = '';
          }
        };
      };
      child.stdout.on('data', lines('stdout'));
      child.stderr.on('data', lines('stderr'));
      child.on('error', (error) => finish('failed', { err: error }));
      child.on('close', (code, signal) => {
        for (const flush of flushers) flush();
        if (timedOut) finish('timed_out', { timeoutMs, signal });
        else finish(code === 0 ? 'succeeded' : 'failed', { exitCode: code, signal });
      });
    });
  }
}
