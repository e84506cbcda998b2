import { hostname } from 'node:os';
import { pino, type Level, type Logger } from 'pino';
import { PROJECT_VERSION } from '../config/project-version.js';

/**
 * The service's JSON logger: every line carries the service name, the project's version, the
 * process id and the host name, so lines from several instances can be told apart; a worker of
 * `run --workers` adds its index (`worker`).
 */
export function serviceLogger(level: Level | 'silent', workerIndex?: number): Logger {
  const base = { service: 'rnn-stream', version: PROJECT_VERSION, pid: process.pid, hostname: hostname() };
  return pino({ level, base: workerIndex === undefined ? base : { ...base, worker: workerIndex } });
}
