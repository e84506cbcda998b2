/**
 * Real Kafka and Redis for the integration tests (tests/integration).
 *
 * Where the services come from, decided per service, first match wins:
 *   1. Environment: KAFKA_BROKERS (comma-separated host:port) and REDIS_URL (redis://host:port).
 *      This is how development and CI machines without Docker run them:
 *        deploy/local/services.sh up && eval "$(deploy/local/services.sh env)"
 *   2. A reachable Docker engine: the service is started here with testcontainers
 *      (apache/kafka:3.9.1 in KRaft mode, redis:7) and stopped by `stop()`.
 *   3. Neither: outside CI the integration tests are skipped (`skipIntegration` is true);
 *      with CI=true they are not skipped, and `integrationServices()` throws an error that
 *      says how to start the services, so a CI run without them fails instead of passing.
 *
 * Usage in a test file:
 *
 *   import { afterAll, beforeAll, describe, it } from 'vitest';
 *   import { integrationServices, skipIntegration, uniqueName, type IntegrationServices } from './services.js';
 *
 *   describe.skipIf(skipIntegration)('my feature against real Kafka and Redis', () => {
 *     let services: IntegrationServices;
 *     beforeAll(async () => { services = await integrationServices(); });
 *     afterAll(async () => { await services?.stop(); });
 *     it('...', async () => {
 *       const topic = uniqueName('my-feature'); // own topics and key prefixes: files run in parallel
 *       // new Kafka({ brokers: services.kafkaBrokers }), new Redis(services.redisUrl)
 *     });
 *   });
 *
 * The services are shared by every test file (and, with the env variables, by every run), so a
 * test creates its own uniquely named topics and Redis keys and deletes them afterwards.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StartedTestContainer } from 'testcontainers';
import { Kafka, logLevel } from 'kafkajs';

export interface IntegrationServices {
  /** Bootstrap brokers for kafkajs, e.g. ['127.0.0.1:19092']. */
  kafkaBrokers: string[];
  /** Redis connection URL for ioredis, e.g. 'redis://127.0.0.1:16379'. */
  redisUrl: string;
  /** Stops what this helper started (containers); a no-op for services given by the environment. */
  stop(): Promise<void>;
}

export type ServiceSource = 'env' | 'docker' | 'missing';

export const KAFKA_IMAGE = 'apache/kafka:3.9.1';
export const REDIS_IMAGE = 'redis:7';

const isCI = process.env.CI === 'true';
const envBrokers = (process.env.KAFKA_BROKERS ?? '')
  .split(',')
  .map((b) => b.trim())
  .filter((b) => b.length > 0);
const envRedisUrl = process.env.REDIS_URL?.trim() || undefined;

/** True when a Docker engine answers (only probed when an env variable is missing). */
async function dockerReachable(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

const docker = envBrokers.length > 0 && envRedisUrl ? false : await dockerReachable();

/** Where Kafka and Redis come from in this run. */
export const serviceSources: { kafka: ServiceSource; redis: ServiceSource } = {
  kafka: envBrokers.length > 0 ? 'env' : docker ? 'docker' : 'missing',
  redis: envRedisUrl ? 'env' : docker ? 'docker' : 'missing',
};

/** Both services are available (from the environment or through Docker). */
export const servicesConfigured: boolean =
  serviceSources.kafka !== 'missing' && serviceSources.redis !== 'missing';

/**
 * Use with `describe.skipIf(skipIntegration)`: true only when the services are missing and this
 * is not CI. Under CI=true it is false, so missing services fail the tests.
 */
export const skipIntegration: boolean = !servicesConfigured && !isCI;

export const MISSING_SERVICES_MESSAGE =
  'Integration tests need Kafka and Redis: KAFKA_BROKERS / REDIS_URL are not set and no Docker ' +
  'engine is reachable. Start the local services and export their addresses, then run the tests again:\n' +
  '  deploy/local/services.sh up            # or: npm run services:up\n' +
  '  eval "$(deploy/local/services.sh env)"  # sets KAFKA_BROKERS and REDIS_URL\n' +
  '(see docs/local-services.md)';

if (skipIntegration) {
  console.warn(`[integration] skipped: ${MISSING_SERVICES_MESSAGE}`);
}

/** A name no other test or run uses: for topics, consumer groups and Redis key prefixes. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

/** Waits until `describeCluster()` answers with a broker and a controller. */
export async function waitForKafka(brokers: string[], timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const admin = new Kafka({
      clientId: 'rnn-stream-it-wait',
      brokers,
      connectionTimeout: 1000,
      requestTimeout: 3000,
      retry: { retries: 0 },
      logLevel: logLevel.NOTHING,
    }).admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length > 0 && cluster.controller !== null && cluster.controller >= 0) return;
      lastError = new Error('no broker or controller yet');
    } catch (err) {
      lastError = err;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    await sleep(500);
  }
  throw new Error(`Kafka at ${brokers.join(',')} did not answer within ${timeoutMs} ms: ${String(lastError)}`);
}

async function startKafkaContainer(): Promise<{ brokers: string[]; container: StartedTestContainer }> {
  const { GenericContainer, Wait } = await import('testcontainers');
  // The advertised listener must carry the host port Docker maps, known only after start: the
  // container waits for a start script, which is copied in once the port is known.
  const ready = 'rnn-stream: waiting for start script';
  const container = await new GenericContainer(KAFKA_IMAGE)
    .withExposedPorts(9092)
    .withEnvironment({
      CLUSTER_ID: 'MkU3OEVBNTcwNTJENDM2Qk', // the example id of Kafka's Docker docs
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_LISTENERS: 'PLAINTEXT://0.0.0.0:9092,BROKER://0.0.0.0:9094,CONTROLLER://0.0.0.0:9093',
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'PLAINTEXT:PLAINTEXT,BROKER:PLAINTEXT,CONTROLLER:PLAINTEXT',
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_INTER_BROKER_LISTENER_NAME: 'BROKER',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      KAFKA_NUM_PARTITIONS: '3',
    })
    .withEntrypoint([
      'sh',
      '-c',
      `echo '${ready}'; while [ ! -f /tmp/rnn-stream-go ]; do sleep 0.1; done; exec sh /tmp/rnn-stream-start.sh`,
    ])
    .withWaitStrategy(Wait.forLogMessage(ready))
    .start();
  const brokers = [`${container.getHost()}:${container.getMappedPort(9092)}`];
  try {
    const script =
      `export KAFKA_ADVERTISED_LISTENERS='PLAINTEXT://${brokers[0]},BROKER://localhost:9094'\n` +
      'exec /etc/kafka/docker/run\n';
    await container.copyContentToContainer([{ content: script, target: '/tmp/rnn-stream-start.sh', mode: 0o755 }]);
    await container.copyContentToContainer([{ content: 'go\n', target: '/tmp/rnn-stream-go' }]);
    await waitForKafka(brokers);
  } catch (err) {
    await container.stop().catch(() => undefined);
    throw err;
  }
  return { brokers, container };
}

async function startRedisContainer(): Promise<{ url: string; container: StartedTestContainer }> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const container = await new GenericContainer(REDIS_IMAGE)
    .withExposedPorts(6379)
    .withCommand(['redis-server', '--save', '', '--appendonly', 'no'])
    .withWaitStrategy(Wait.forLogMessage('Ready to accept connections'))
    .start();
  return { url: `redis://${container.getHost()}:${container.getMappedPort(6379)}`, container };
}

let pending: Promise<IntegrationServices> | undefined;

/**
 * The Kafka brokers and Redis URL to test against (started once per test file when they come
 * from Docker). Throws when they are missing: call it only when `skipIntegration` is false.
 */
export function integrationServices(): Promise<IntegrationServices> {
  pending ??= resolveServices();
  return pending;
}

async function resolveServices(): Promise<IntegrationServices> {
  if (!servicesConfigured) throw new Error(MISSING_SERVICES_MESSAGE);
  const containers: StartedTestContainer[] = [];
  const stopContainers = async (): Promise<void> => {
    const all = containers.splice(0);
    await Promise.all(all.map((c) => c.stop()));
  };
  try {
    let kafkaBrokers = envBrokers;
    let redisUrl = envRedisUrl ?? '';
    if (serviceSources.kafka === 'docker') {
      const kafka = await startKafkaContainer();
      containers.push(kafka.container);
      kafkaBrokers = kafka.brokers;
    }
    if (serviceSources.redis === 'docker') {
      const redis = await startRedisContainer();
      containers.push(redis.container);
      redisUrl = redis.url;
    }
    return {
      kafkaBrokers,
      redisUrl,
      stop: async () => {
        pending = undefined;
        await stopContainers();
      },
    };
  } catch (err) {
    pending = undefined;
    await stopContainers().catch(() => undefined);
    throw err;
  }
}
