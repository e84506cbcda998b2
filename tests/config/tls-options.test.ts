import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tlsOptions } from '../../src/config/tls-options.js';
import { ConfigError } from '../../src/errors/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rnn-tls-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('tlsOptions', () => {
  it('reads PEM files and keeps the verification flags', async () => {
    const ca = join(dir, 'ca.pem');
    await writeFile(ca, 'CA BYTES');
    const tls = tlsOptions({ ca, rejectUnauthorized: false, servername: 'kafka.internal' }, 'kafka.ssl');
    expect(tls).toEqual({ ca: Buffer.from('CA BYTES'), rejectUnauthorized: false, servername: 'kafka.internal' });
  });

  it('passes booleans through', () => {
    expect(tlsOptions(true, 'redis.tls')).toBe(true);
    expect(tlsOptions(false, 'redis.tls')).toBe(false);
  });

  it('fails with a ConfigError naming the key of an unreadable file', () => {
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
