import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { expandEnvRefs } from '../../src/config/expand-env-refs.js';
import { REDACTED, redactValue } from '../../src/config/redact-secrets.js';
import { parseSetOption } from '../../src/config/parse-set-option.js';
import { ConfigError } from '../../src/errors/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rnn-config-ergo-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function yamlFile(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

async function rejection(p: Promise<unknown>): Promise<ConfigError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ConfigError);
  return err as ConfigError;
}

describe('--set key.path=value', () => {
  it('overrides any key, read as YAML, last one winning, over file and environment', async () => {
    const file = await yamlFile('set.yaml', 'kafka:\n  groupId: from-file\nmetrics:\n  port: 9000\n');
    const config = await loadConfig({
      file,
      env: { RNN_STREAM_METRICS_PORT: '9100' },
      sets: ['kafka.groupId=from-set', 'metrics.port=9200', 'kafka.fromBeginning=false', 'kafka.brokers=[a:9092, b:9092]', 'kafka.topics.partitions=12', 'metrics.port=9300'],
    });
    expect(config.kafka.groupId).toBe('from-set');
    expect(config.metrics.port).toBe(9300);
    expect(config.kafka.fromBeginning).toBe(false);
    expect(config.kafka.brokers).toEqual(['a:9092', 'b:9092']);
    expect(config.kafka.topics.partitions).toBe(12);
    expect(Object.isFrozen(config.kafka)).toBe(true);
  });

  it('keeps text that merely looks like a number where the key takes text', async () => {
    const config = await loadConfig({ env: {}, sets: ['redis.password=123456', 'kafka.groupId=007', 'kafka.clientId=true'] });
    expect(config.redis.password).toBe('123456');
    expect(config.kafka.groupId).toBe('007');
    expect(config.kafka.clientId).toBe('true');
  });

  it('is validated by the same schema, naming the key, the value and that it came from --set', async () => {
    const err = await rejection(loadConfig({ env: {}, sets: ['metrics.port=ninety', 'kafka.groupld=x'] }));
    expect(err.message).toContain('metrics.port = "ninety" (from --set metrics.port)');
    expect(err.message).toContain('kafka.groupld: unknown key (from --set kafka.groupld)');
  });

  it('resolves a relative path against the working directory', async () => {
    const config = await loadConfig({ env: {}, sets: ['model.manifest=examples/models/demo-gru.json'] });
    expect(config.model.manifest).toBe(resolve('examples/models/demo-gru.json'));
  });

  it('refuses an option that is not key=value', () => {
    expect(() => parseSetOption('kafka.groupId')).toThrow(/expected key\.path=value/);
    expect(() => parseSetOption('=x')).toThrow(ConfigError);
    expect(() => parseSetOption('kafka..groupId=x')).toThrow(/dotted key/);
    expect(parseSetOption('kafka.groupId=a=b').value).toBe('a=b');
    expect(parseSetOption('kafka.sasl=null').value).toBeNull();
  });
});

describe('${ENV_VAR} references in YAML', () => {
  it('substitutes variables in strings, whole-value references as scalars, with fallbacks', async () => {
    const file = await yamlFile(
      'env.yaml',
      [
        'kafka:',
        '  brokers: ["${BROKER_HOST}:9092", "other:${BROKER_PORT}"]',
        '  groupId: prices-${STAGE:-dev}',
        '  sasl: {mechanism: plain, username: "${SASL_USER}", password: "${SASL_PASSWORD}"}',
        '  fromBeginning: ${FROM_BEGINNING}',
        'metrics:',
        '  port: ${METRICS_PORT}',
      ].join('\n'),
    );
    const config = await loadConfig({
      file,
      env: { BROKER_HOST: 'kafka-1', BROKER_PORT: '9093', SASL_USER: 'svc', SASL_PASSWORD: 'p@ss ${not expanded}', FROM_BEGINNING: 'false', METRICS_PORT: '9470' },
    });
    expect(config.kafka.brokers).toEqual(['kafka-1:9092', 'other:9093']);
    expect(config.kafka.groupId).toBe('prices-dev');
    expect(config.kafka.sasl?.password).toBe('p@ss ${not expanded}');
    expect(config.kafka.fromBeginning).toBe(false);
    expect(config.metrics.port).toBe(9470);
  });

  it('fails clearly on an unset variable, naming the file, the key and the variable', async () => {
    const file = await yamlFile('unset.yaml', 'redis:\n  password: ${REDIS_SECRET}\n');
    const err = await rejection(loadConfig({ file, env: {} }));
    expect(err.message).toBe(`${file}: redis.password references \${REDIS_SECRET}, but the environment variable REDIS_SECRET is not set (write $\${REDIS_SECRET} for a literal)`);
    expect(err.message).not.toMatch(/secret-value/);
  });

  it('keeps $${...} as a literal ${...} and refuses a malformed reference', () => {
    expect(expandEnvRefs({ a: 'cost: $${PRICE} and ${X}' }, { X: '1', PRICE: 'no' }, 'f.yaml')).toEqual({ a: 'cost: ${PRICE} and 1' });
    expect(() => expandEnvRefs({ a: { b: 'x${1BAD}' } }, {}, 'f.yaml')).toThrow(/f\.yaml: a\.b has a malformed reference \$\{1BAD\}/);
    expect(expandEnvRefs({ list: ['${A:-}', 7, null] }, {}, 'f.yaml')).toEqual({ list: ['', 7, null] });
  });
});

describe('redactValue on a configuration', () => {
  it('masks passwords, TLS keys, URL passwords and a SASL string, and nothing else', () => {
    const masked = redactValue({
      kafka: { sasl: { mechanism: 'plain', username: 'svc', password: 'hunter2' }, ssl: { ca: '/etc/ca.pem', key: '/etc/client.key' } },
      redis: { url: 'rediss://app:s3cr%40t@redis.internal:6380/2', password: null, username: 'app' },
      other: { url: 'redis://127.0.0.1:6379', brokers: ['a:9092'] },
      fleet: { sasl: 'plain:svc:hunter3' },
    });
    expect(masked).toEqual({
      kafka: { sasl: { mechanism: 'plain', username: 'svc', password: REDACTED }, ssl: { ca: '/etc/ca.pem', key: REDACTED } },
      redis: { url: `rediss://app:${REDACTED}@redis.internal:6380/2`, password: null, username: 'app' },
      other: { url: 'redis://127.0.0.1:6379', brokers: ['a:9092'] },
      fleet: { sasl: REDACTED },
    });
    expect(JSON.stringify(masked)).not.toMatch(/hunter2|hunter3|s3cr|client\.key/);
  });
});
