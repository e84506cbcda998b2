import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { ConfigError } from '../../src/errors/index.js';
import { createKafka, tlsOptions } from '../../src/kafka/create-kafka.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rnn-kafka-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('createKafka', () => {
  it('builds a client with SASL from the configuration slice', async () => {
    const config = await loadConfig({
      env: { RNN_STREAM_KAFKA_SASL_USERNAME: 'u', RNN_STREAM_KAFKA_SASL_PASSWORD: 'p' },
      overrides: { kafka: { sasl: { mechanism: 'scram-sha-256' }, ssl: true } },
    });
    const kafka = createKafka(config.kafka);
    expect(typeof kafka.consumer).toBe('function');
  });

  it('reads PEM files for TLS and keeps the verification flags', async () => {
    const ca = join(dir, 'ca.pem');
    await writeFile(ca, 'CA BYTES');
    const tls = tlsOptions({ ca, rejectUnauthorized: false, servername: 'kafka.internal' }, 'kafka.ssl');
    expect(tls).toEqual({ ca: Buffer.from('CA BYTES'), rejectUnauthorized: false, servername: 'kafka.internal' });
    expect(tlsOptions(true, 'kafka.ssl')).toBe(true);
  });

  it('fails with a ConfigError naming the key of an unreadable TLS file', () => {
    const cert = join(dir, 'missing.pem');
    let err: unknown;
    try {
      tlsOptions({ cert }, 'kafka.ssl');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).key).toBe('kafka.ssl.cert');
    expect((err as ConfigError).message).toContain(cert);
  });
});
