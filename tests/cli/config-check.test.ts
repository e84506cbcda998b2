import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from './run-cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rnn-config-check-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('rnn-stream config check', () => {
  it('prints the effective configuration with secrets masked and exits 0, connecting to nothing', async () => {
    const file = join(dir, 'ok.yaml');
    await writeFile(file, 'kafka:\n  brokers: ["127.0.0.1:1"]\n  sasl: {mechanism: scram-sha-512, username: svc, password: hunter2}\nredis:\n  url: redis://app:s3cret@127.0.0.1:1/0\nmodel:\n  manifest: ../../../work/missing.json\n');
    const result = await runCli(['config', 'check', '--config', file, '--set', 'model.manifest=null', '--set', 'kafka.groupId=checked']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(/hunter2|s3cret/);
    const printed = parse(result.stdout) as { kafka: { groupId: string; sasl: { password: string } }; redis: { url: string } };
    expect(printed.kafka.groupId).toBe('checked');
    expect(printed.kafka.sasl.password).toBe('<redacted>');
    expect(printed.redis.url).toBe('redis://app:<redacted>@127.0.0.1:1/0');
  });

  it('exits 2 naming every problem', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(file, 'metrics:\n  port: 70000\nkafka:\n  groupID: x\n');
    const result = await runCli(['config', 'check', '--config', file]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('metrics.port = 70000');
    expect(result.stderr).toContain('kafka.groupID: unknown key');
  });

  it('exits 1 when the model manifest cannot be loaded', async () => {
    const result = await runCli(['config', 'check', '--set', `model.manifest=${join(dir, 'nope.json')}`]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('nope.json');
  });
});
