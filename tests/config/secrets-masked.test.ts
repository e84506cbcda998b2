import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { redactSecrets } from '../../src/config/redact-secrets.js';
import { ConfigError } from '../../src/errors/index.js';
import { serviceLogger } from '../../src/service/service-logger.js';

const SECRET = 'Sup3r-s3cret-pw';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rnn-stream-secrets-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The ConfigError message of loading `yaml` (with `env`), asserting that it fails. */
async function errorText(yaml: string, env: Record<string, string> = {}): Promise<string> {
  const path = join(dir, 'c.yaml');
  await writeFile(path, yaml);
  const err = await loadConfig({ file: path, env }).then(
    () => expect.fail('loadConfig succeeded'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigError);
  const e = err as ConfigError;
  return `${e.message} ${e.cause instanceof Error ? e.cause.message : ''} ${e.stack ?? ''}`;
}

describe('secrets in configuration errors', () => {
  const cases: [string, string, Record<string, string>?][] = [
    ['a password inside an invalid redis.url', `redis:\n  url: "http://app:${SECRET}@redis:6379"\n`],
    ['a password inside a redis.url with a space', `redis:\n  url: "redis://app:${SECRET}@redis 6379"\n`],
    ['kafka.sasl written as a string', `kafka:\n  sasl: "app:${SECRET}"\n`],
    ['kafka.sasl as a list', `kafka:\n  sasl: ["app", "${SECRET}"]\n`],
    ['kafka.sasl with a bad mechanism', `kafka:\n  sasl: {mechanism: kerberos, username: app, password: "${SECRET}"}\n`],
    ['kafka.sasl with a numeric password beside', `kafka:\n  sasl: {mechanism: plain, username: app, password: "${SECRET}", extra: 1}\n`],
    ['a wrongly typed redis.password', `redis:\n  password: ["${SECRET}"]\n`],
    ['an inline TLS private key', `redis:\n  tls: {key: 5, ca: "-----BEGIN PRIVATE KEY-----\\n${SECRET}\\n-----END PRIVATE KEY-----"}\n`],
    ['a YAML syntax error on the password line', `redis:\n  password: "${SECRET}\n  url: [\n`],
    ['the environment URL', `logging:\n  level: loud\n`, { RNN_STREAM_REDIS_URL: `redis://app:${SECRET}@` }],
  ];
  for (const [name, yaml, env] of cases) {
    it(`never prints ${name}`, async () => {
      const text = await errorText(yaml, env);
      expect(text.length).toBeGreaterThan(20);
      expect(text).not.toContain(SECRET);
    });
  }

  it('still names the key and the rule of a masked value', async () => {
    const text = await errorText(`kafka:\n  sasl: "app:${SECRET}"\n`);
    expect(text).toContain('kafka.sasl = <redacted>');
  });

  it('keeps the user name of a URL and masks only its password', () => {
    expect(redactSecrets(`cannot reach rediss://app:${SECRET}@h:6380/0`)).toBe('cannot reach rediss://app:<redacted>@h:6380/0');
    expect(redactSecrets(`redis://${SECRET}@h`)).toBe('redis://<redacted>@h');
  });
});

describe('secrets in logs', () => {
  it('masks secret fields, URL passwords in messages and in error messages, stacks and causes', () => {
    let out = '';
    const sink = new Writable({ write: (chunk: Buffer, _enc, cb) => ((out += chunk.toString()), cb()) });
    const logger = serviceLogger('info', undefined, sink);
    logger.info({ redis: { password: SECRET }, sasl: `app:${SECRET}`, password: SECRET }, 'config');
    logger.info(`connecting to redis://app:${SECRET}@redis:6379`);
    const err = new Error(`connect to redis://app:${SECRET}@redis failed`, { cause: new Error(`at rediss://:${SECRET}@x`) });
    logger.error({ err }, 'failed');
    expect(out.split('\n').filter(Boolean)).toHaveLength(3);
    expect(out).toContain('<redacted>');
    expect(out).not.toContain(SECRET);
  });

  it('masks the arguments of the Redis command a reply error carries (a failed AUTH holds the password)', () => {
    let out = '';
    const sink = { write: (line: string) => void (out += line) };
    const logger = serviceLogger('info', undefined, sink);
    // ioredis' ReplyError of a refused AUTH: the command and its arguments ride along.
    const reply = Object.assign(new Error('WRONGPASS invalid username-password pair or user is disabled.'), { name: 'ReplyError', command: { name: 'auth', args: ['app', SECRET] } });
    logger.warn({ err: reply }, 'redis connection error');
    logger.warn({ err: new Error('slots refresh failed', { cause: reply }) }, 'cluster');
    logger.warn({ err: Object.assign(new Error('Failed to refresh slots cache.'), { lastNodeError: reply }) }, 'cluster');
    expect(out.split('\n').filter(Boolean)).toHaveLength(3);
    expect(out).toContain('"name":"auth"');
    expect(out).toContain('<2 arguments redacted>');
    expect(out).not.toContain(SECRET);
  });
});
