import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import type { Admin, Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify as toYaml } from 'yaml';
import { createTopicsReady } from '../../src/kafka/create-topics-ready.js';
import { saveTestModel, ticks, waitFor } from './pipeline-fixture.js';
import { LEAST_PRIVILEGE } from './least-privilege-acl.js';
import { adminKafka, adminRedis, grantServiceAcls, requireSecured, revokeServiceAcls, skipSecured, type SecuredServices } from './secured-services.js';
import { uniqueName } from './services.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const EVENTS = 400;

/** One `rnn-stream run` from the sources, its output collected; secrets only in its environment. */
interface RunningService {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

function startService(configFile: string, secrets: { kafka: string; redis: string }): RunningService {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('RNN_STREAM_') && !k.startsWith('SECURED_')) env[k] = v;
  env.RNN_STREAM_KAFKA_SASL_PASSWORD = secrets.kafka;
  env.RNN_STREAM_REDIS_PASSWORD = secrets.redis;
  const child = spawn(process.execPath, ['--import', 'tsx', `${root}src/cli/bin.ts`, 'run', '--config', configFile], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (text += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (text += d));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, output: () => text, exited };
}

/** Waits for the process to exit by itself, at most `ms`; kills it past that. */
async function exitWithin(service: RunningService, ms: number): Promise<number | null> {
  const timer = setTimeout(() => service.child.kill('SIGKILL'), ms);
  try {
    return await service.exited;
  } finally {
    clearTimeout(timer);
  }
}

describe.skipIf(skipSecured)('secured profile: Kafka SASL_SSL (SCRAM-SHA-512, ACLs) and Redis over TLS with the least-privilege ACL user', () => {
  let s: SecuredServices;
  let kafka: Kafka;
  let admin: Admin;
  let redis: Redis;
  let dir: string;
  const name = uniqueName('it-secured');
  const names = { input: `${name}-in`, output: `${name}-out`, dlq: `${name}-dlq`, group: `${name}-group` };
  const redisUser = `${name}-user`;
  const redisPassword = randomBytes(16).toString('hex');
  let manifest: string;

  beforeAll(async () => {
    s = requireSecured();
    kafka = adminKafka(s, name);
    admin = kafka.admin();
    await admin.connect();
    await createTopicsReady(admin, [names.input, names.output, names.dlq].map((topic) => ({ topic, numPartitions: 3 })));
    await grantServiceAcls(admin, names);
    redis = adminRedis(s);
    await redis.call('ACL', 'SETUSER', redisUser, 'reset', 'on', `>${redisPassword}`, `~${name}:*`, 'resetchannels', '-@all', ...LEAST_PRIVILEGE);
    dir = await mkdtemp(join(tmpdir(), `${name}-`));
    manifest = (await saveTestModel(dir, 'tick')).manifestPath;
  });
  afterAll(async () => {
    if (admin) {
      await revokeServiceAcls(admin, names);
      await admin.deleteTopics({ topics: [names.input, names.output, names.dlq] });
      await admin.deleteGroups([names.group]).catch(() => undefined); // absent when no member ever joined
      await admin.disconnect();
    }
    if (redis) {
      await redis.call('ACL', 'DELUSER', redisUser);
      for (const key of await redis.keys(`${name}:*`)) await redis.del(key);
      await redis.quit();
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** The service's configuration: no secret in it (passwords come from the environment). */
  async function configFile(file: string, port: number, overrides: { caFile?: string } = {}): Promise<string> {
    const path = join(dir, file);
    const ca = overrides.caFile ?? s.caFile;
    await writeFile(
      path,
      toYaml({
        kafka: {
          brokers: s.brokers, ssl: { ca }, sasl: { mechanism: 'scram-sha-512', username: 'rnn-stream' },
          groupId: names.group, inputTopic: names.input, outputTopic: names.output, deadLetterTopic: names.dlq,
          topics: { create: false }, sessionTimeoutMs: 6000, heartbeatIntervalMs: 1000, rebalanceTimeoutMs: 10000, fetchMaxWaitMs: 100,
        },
        redis: { url: s.redisUrl, tls: { ca }, username: redisUser, keyPrefix: name, connectTimeoutMs: 5000 },
        model: { manifest },
        metrics: { host: '127.0.0.1', port, lagRefreshMs: 1000 },
        logging: { level: 'debug' },
      }),
    );
    return path;
  }

  /** Every secret of the run: none may appear in logs, metrics or errors. */
  const secrets = (): string[] => [s.kafkaServicePassword, s.kafkaAdminPassword, s.redisAdminPassword, redisPassword];

  it('runs end to end with only the ACLs it needs, and no secret reaches its logs or metrics', async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const service = startService(await configFile('run.yaml', port), { kafka: s.kafkaServicePassword, redis: redisPassword });
    const records: string[] = [];
    const consumer = kafka.consumer({ groupId: `${name}-reader` });
    let metrics = '';
    try {
      await waitFor('the service to be ready', async () => {
        if (service.child.exitCode !== null) throw new Error(`the service exited with ${service.child.exitCode}:\n${service.output()}`);
        return (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null))?.ok === true;
      });
      const producer = kafka.producer();
      await producer.connect();
      const input = ticks(EVENTS, 12, 3);
      await producer.send({ topic: names.input, acks: -1, messages: input });
      await producer.send({ topic: names.input, acks: -1, messages: [{ key: 'SYM01', value: 'not json' }] });
      await producer.disconnect();
      await consumer.connect();
      await consumer.subscribe({ topics: [names.output, names.dlq], fromBeginning: true });
      await consumer.run({ eachMessage: async ({ topic, message }) => void records.push(`${topic}:${String(message.value)}`) });
      await waitFor('every prediction and the dead letter', () => records.length >= EVENTS + 1);
      metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    } finally {
      await consumer.disconnect();
      service.child.kill('SIGTERM');
    }
    expect(await exitWithin(service, 60_000)).toBe(0);
    expect(records.filter((r) => r.startsWith(`${names.output}:`))).toHaveLength(EVENTS);
    expect(records.filter((r) => r.startsWith(`${names.dlq}:`))).toHaveLength(1);
    expect(metrics).toMatch(/^rnn_stream_events_total\{outcome="applied"\} 400$/m);
    const logs = service.output();
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of secrets()) {
      expect(secret.length).toBeGreaterThan(8);
      expect(logs.includes(secret), 'a secret in the logs').toBe(false);
      expect(metrics.includes(secret), 'a secret in the metrics').toBe(false);
    }
  }, 240_000);

  it('wrong Kafka password: says SASL authentication failed, exits 3, no stack trace, no secret', async () => {
    const wrong = `wrong-${randomBytes(8).toString('hex')}`;
    const service = startService(await configFile('kafka-wrong.yaml', 0), { kafka: wrong, redis: redisPassword });
    expect(await exitWithin(service, 120_000)).toBe(3);
    const out = service.output();
    expect(out).toContain('Kafka SASL authentication failed');
    expect(out).not.toMatch(/^\s+at /m);
    for (const [i, secret] of [wrong, ...secrets()].entries()) expect(out.includes(secret), `secret ${i} in the output:\n${out.slice(Math.max(0, out.indexOf(secret) - 300), out.indexOf(secret) + 100)}`).toBe(false);
  }, 180_000);

  it('wrong Redis password: says Redis authentication failed, exits 3, no stack trace, no secret', async () => {
    const wrong = `wrong-${randomBytes(8).toString('hex')}`;
    const service = startService(await configFile('redis-wrong.yaml', 0), { kafka: s.kafkaServicePassword, redis: wrong });
    expect(await exitWithin(service, 120_000)).toBe(3);
    const out = service.output();
    expect(out).toContain('Redis authentication failed (WRONGPASS');
    expect(out).not.toMatch(/^\s+at /m);
    for (const [i, secret] of [wrong, ...secrets()].entries()) expect(out.includes(secret), `secret ${i} in the output:\n${out.slice(Math.max(0, out.indexOf(secret) - 300), out.indexOf(secret) + 100)}`).toBe(false);
  }, 180_000);

  it('a CA that did not sign the servers: says the TLS handshake failed, exits 3', async () => {
    const otherCa = join(dir, 'other-ca.pem');
    await writeFile(otherCa, await selfSignedPem());
    const service = startService(await configFile('tls-wrong.yaml', 0, { caFile: otherCa }), { kafka: s.kafkaServicePassword, redis: redisPassword });
    expect(await exitWithin(service, 120_000)).toBe(3);
    const out = service.output();
    expect(out).toContain('TLS handshake failed');
    expect(out).not.toMatch(/^\s+at /m);
  }, 180_000);
});

/** A throwaway self-signed CA certificate (openssl, as the services script uses). */
async function selfSignedPem(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'rnn-other-ca-'));
  try {
    const child = spawn('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=another CA', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem')], { stdio: 'ignore' });
    const [code] = await once(child, 'exit');
    if (code !== 0) throw new Error(`openssl exited with ${code}`);
    return await readFile(join(dir, 'c.pem'), 'utf8');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
