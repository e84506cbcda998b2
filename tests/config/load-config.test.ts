import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_CONFIG_FILE, loadConfig, serviceConfigSchema } from '../../src/config/index.js';
import { ConfigError } from '../../src/errors/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rnn-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

async function configError(p: Promise<unknown>): Promise<ConfigError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigError);
  return err as ConfigError;
}

/** Dotted paths of every leaf of a plain object (objects nested in objects, not in arrays). */
function leafKeys(v: unknown, prefix = ''): string[] {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return [prefix];
  return Object.entries(v).flatMap(([k, x]) => leafKeys(x, prefix ? `${prefix}.${k}` : k));
}

function schemaKeys(schema: unknown, prefix = ''): string[] {
  const shape = (schema as { shape?: Record<string, unknown> }).shape;
  const inner = (schema as { def?: { innerType?: unknown; in?: unknown } }).def;
  if (!shape) {
    if (inner?.in) return schemaKeys(inner.in, prefix); // refine/pipe wrappers
    return [prefix];
  }
  return Object.entries(shape).flatMap(([k, s]) => schemaKeys(s, prefix ? `${prefix}.${k}` : k));
}

describe('loadConfig', () => {
  it('documents every schema key in config/default.yaml, and nothing else', async () => {
    const defaults = parseYaml(await readFile(DEFAULT_CONFIG_FILE, 'utf-8')) as unknown;
    expect(leafKeys(defaults).sort()).toEqual(schemaKeys(serviceConfigSchema).sort());
  });

  it('returns the defaults when given no file and an empty environment', async () => {
    const config = await loadConfig({ env: {} });
    expect(config.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(config.kafka.producer).toEqual({ acks: -1, idempotent: true, compression: 'none' });
    expect(config.events.timestampPolicy).toBe('apply');
    expect(config.events.maxAbsValue).toBe(1e15);
    expect(config.model.manifest).toBeNull();
  });

  it('merges a file over the defaults: nested keys merge, lists replace', async () => {
    const path = await file('merge.yaml', 'kafka:\n  brokers: ["a:1", "b:2"]\n  topics:\n    partitions: 12\nlogging:\n  level: debug\n');
    const config = await loadConfig({ file: path, env: {} });
    expect(config.kafka.brokers).toEqual(['a:1', 'b:2']);
    expect(config.kafka.topics).toEqual({ create: true, partitions: 12, replicationFactor: 1 });
    expect(config.kafka.groupId).toBe('rnn-stream');
    expect(config.logging.level).toBe('debug');
  });

  it('resolves relative paths against the folder of the file that set them', async () => {
    const path = await file('paths.yaml', 'model:\n  manifest: models/m.json\nkafka:\n  ssl:\n    ca: certs/ca.pem\n    rejectUnauthorized: false\n');
    const config = await loadConfig({ file: path, env: {} });
    expect(config.model.manifest).toBe(join(dir, 'models/m.json'));
    expect(config.kafka.ssl).toEqual({ ca: join(dir, 'certs/ca.pem'), rejectUnauthorized: false });
  });

  it('applies the documented environment overrides over the file', async () => {
    const path = await file('env.yaml', 'kafka:\n  brokers: ["file:1"]\n  sasl:\n    mechanism: scram-sha-512\n    username: svc\n    password: from-file\n');
    const config = await loadConfig({
      file: path,
      env: {
        RNN_STREAM_KAFKA_BROKERS: 'x:1, y:2',
        RNN_STREAM_KAFKA_SASL_PASSWORD: 's3cret',
        RNN_STREAM_REDIS_URL: 'rediss://cache:6380',
        RNN_STREAM_REDIS_PASSWORD: 'r3dis',
        RNN_STREAM_METRICS_PORT: '9100',
        RNN_STREAM_LOG_LEVEL: '',
        UNRELATED: 'ignored',
      },
    });
    expect(config.kafka.brokers).toEqual(['x:1', 'y:2']);
    expect(config.kafka.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'svc', password: 's3cret' });
    expect(config.redis.url).toBe('rediss://cache:6380');
    expect(config.redis.password).toBe('r3dis');
    expect(config.metrics.port).toBe(9100);
    expect(config.logging.level).toBe('info');
  });

  it('returns a deeply frozen object', async () => {
    const config = await loadConfig({ env: {} });
    expect(Object.isFrozen(config.kafka.topics)).toBe(true);
    expect(() => {
      (config.kafka.brokers as string[]).push('x:1');
    }).toThrow(TypeError);
  });
});

describe('loadConfig errors', () => {
  it('names the key, the value, the rule and the file of a wrong value', async () => {
    const path = await file('bad-port.yaml', 'metrics:\n  port: 70000\n');
    const err = await configError(loadConfig({ file: path, env: {} }));
    expect(err.key).toBe('metrics.port');
    expect(err.message).toContain(`metrics.port = 70000 (from ${path})`);
    expect(err.message).toMatch(/<=65535/);
  });

  it('names an unknown (misspelt) key', async () => {
    const path = await file('typo.yaml', 'kafka:\n  brokrs: ["a:1"]\n');
    const err = await configError(loadConfig({ file: path, env: {} }));
    expect(err.key).toBe('kafka.brokrs');
    expect(err.message).toContain('kafka.brokrs: unknown key');
  });

  it('names the environment variable that set a wrong value', async () => {
    const err = await configError(loadConfig({ env: { RNN_STREAM_METRICS_PORT: 'ninety' } }));
    expect(err.message).toContain('metrics.port = "ninety" (environment variable RNN_STREAM_METRICS_PORT)');
  });

  it('never prints a password', async () => {
    const err = await configError(loadConfig({ env: {}, overrides: { redis: { password: 42 } } }));
    expect(err.key).toBe('redis.password');
    expect(err.message).toContain('redis.password = <redacted>');
    expect(err.message).not.toContain('42');
  });

  it('reports every problem at once, including missing SASL fields', async () => {
    const err = await configError(
      loadConfig({ env: { RNN_STREAM_KAFKA_SASL_PASSWORD: 'p' }, overrides: { kafka: { brokers: ['no-port'] } } }),
    );
    expect(err.message).toContain('kafka.brokers.0 = "no-port"');
    expect(err.message).toContain('must be host:port');
    expect(err.message).toContain('kafka.sasl.mechanism is missing');
    expect(err.message).toContain('kafka.sasl.username is missing');
  });

  it('rejects an idempotent producer without acks -1', async () => {
    const err = await configError(loadConfig({ env: {}, overrides: { kafka: { producer: { acks: 1 } } } }));
    expect(err.key).toBe('kafka.producer.acks');
    expect(err.message).toContain('an idempotent producer needs acks -1');
  });

  it('defaults output.guarantee to at_least_once and accepts exactly_once', async () => {
    expect((await loadConfig({ env: {} })).output).toEqual({ guarantee: 'at_least_once', transactionalIdPrefix: null, transactionTimeoutMs: 30000 });
    expect((await loadConfig({ env: {}, overrides: { output: { guarantee: 'exactly_once' } } })).output.guarantee).toBe('exactly_once');
  });

  it('rejects an unknown output.guarantee, and exactly_once without an idempotent producer', async () => {
    const unknown = await configError(loadConfig({ env: {}, overrides: { output: { guarantee: 'exactly-once' } } }));
    expect(unknown.key).toBe('output.guarantee');
    const err = await configError(loadConfig({ env: {}, overrides: { output: { guarantee: 'exactly_once' }, kafka: { producer: { idempotent: false } } } }));
    expect(err.key).toBe('output.guarantee');
    expect(err.message).toContain('exactly_once needs an idempotent producer with acks -1');
  });

  it('rejects a key prefix with braces (reserved for the hash tag)', async () => {
    const err = await configError(loadConfig({ env: {}, overrides: { redis: { keyPrefix: 'a{b}' } } }));
    expect(err.key).toBe('redis.keyPrefix');
  });

  it('names the line of invalid YAML', async () => {
    const path = await file('broken.yaml', 'kafka:\n  brokers: [\n');
    const err = await configError(loadConfig({ file: path, env: {} }));
    expect(err.message).toMatch(/broken\.yaml line \d+ is not valid YAML/);
  });

  it('names a configuration file that cannot be read', async () => {
    const err = await configError(loadConfig({ file: join(dir, 'absent.yaml'), env: {} }));
    expect(err.message).toContain('absent.yaml');
  });

  it('rejects a file that is not a mapping', async () => {
    const path = await file('list.yaml', '- a\n- b\n');
    const err = await configError(loadConfig({ file: path, env: {} }));
    expect(err.message).toContain('must hold a mapping');
  });
});
