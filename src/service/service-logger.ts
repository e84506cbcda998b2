import { hostname } from 'node:os';
import { pino, stdSerializers, type DestinationStream, type Level, type Logger } from 'pino';
import { PROJECT_VERSION } from '../config/project-version.js';
import { REDACTED, redactSecrets } from '../config/redact-secrets.js';

/** Fields masked wherever they appear in a log record (two levels deep). */
const SECRET_FIELDS = ['password', 'passphrase', 'sasl', 'secret', 'token'];

/**
 * A serialised error with secrets masked in its message and stack, causes included. The arguments
 * of the Redis command an ioredis reply error carries (`command.args`: the password of a failed
 * AUTH, state bytes of a failed script) are replaced by their count; only the command name stays.
 */
function redactError(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const field of ['message', 'stack']) {
    if (typeof out[field] === 'string') out[field] = redactSecrets(out[field]);
  }
  const command = out.command as { name?: unknown; args?: unknown } | undefined;
  if (typeof command === 'object' && command !== null && 'args' in command) {
    out.command = { name: command.name, args: Array.isArray(command.args) ? `<${command.args.length} arguments redacted>` : REDACTED };
  }
  for (const field of ['cause', 'lastNodeError']) if (out[field] !== undefined) out[field] = redactError(out[field]);
  if (Array.isArray(out.errors)) out.errors = out.errors.map(redactError);
  return out;
}

/**
/**
 * The service's JSON logger (on stdout unless `destination` is given): every line carries the
 * service name, the project's version, the process id and the host name, so lines from several
 * instances can be told apart; a worker of `run --workers` adds its index (`worker`). Secrets
 * never reach a line: secret-named fields are masked, and URL passwords and PEM private keys in
 * messages, error messages and stacks become `<redacted>`.
 */
export function serviceLogger(level: Level | 'silent', workerIndex?: number, destination?: DestinationStream): Logger {
  const base = { service: 'rnn-stream', version: PROJECT_VERSION, pid: process.pid, hostname: hostname() };
  const options = {
    level,
    base: workerIndex === undefined ? base : { ...base, worker: workerIndex },
    redact: { paths: [...SECRET_FIELDS, ...SECRET_FIELDS.map((f) => `*.${f}`)], censor: REDACTED },
    serializers: { err: (e: Error) => redactError(stdSerializers.err(e)) },
    hooks: {
      logMethod(this: Logger, args: Parameters<Logger['info']>, method: Logger['info']) {
        const clean = args.map((a: unknown) => (typeof a === 'string' ? redactSecrets(a) : a));
        return method.apply(this, clean as Parameters<Logger['info']>);
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
