#!/usr/bin/env node
// Waits until a Kafka cluster really answers: an admin client connects and describeCluster()
// returns at least one broker and a controller. Used by deploy/local/services.sh (`up`, `status`).
//
//   node deploy/local/wait-kafka.mjs [--brokers 127.0.0.1:19092[,...]] [--timeout-ms 30000]
//        [--ssl-ca ca.pem --sasl-user admin --sasl-password-env VAR]   (SASL_SSL, SCRAM-SHA-512)
//
// Brokers default to $KAFKA_BROKERS, then 127.0.0.1:19092. Exit 0 and one summary line on
// stdout when ready; exit 1 with the last error on stderr on timeout.
import console from 'node:console';
import { readFileSync } from 'node:fs';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import kafkajs from 'kafkajs';

const { Kafka, logLevel } = kafkajs;

const { values } = parseArgs({
  options: {
    brokers: { type: 'string', default: process.env.KAFKA_BROKERS || '127.0.0.1:19092' },
    'timeout-ms': { type: 'string', default: '30000' },
    'ssl-ca': { type: 'string' },
    'sasl-user': { type: 'string' },
    'sasl-password-env': { type: 'string' },
  },
});
// The password is read from the environment variable named, never from the command line.
const security = {};
if (values['ssl-ca']) security.ssl = { ca: [readFileSync(values['ssl-ca'], 'utf8')] };
if (values['sasl-user']) {
  security.sasl = { mechanism: 'scram-sha-512', username: values['sasl-user'], password: process.env[values['sasl-password-env'] ?? ''] ?? '' };
}
const brokers = values.brokers
  .split(',')
  .map((b) => b.trim())
  .filter(Boolean);
const timeoutMs = Number(values['timeout-ms']);
if (brokers.length === 0 || !Number.isFinite(timeoutMs) || timeoutMs <= 0) {
  console.error('usage: wait-kafka.mjs [--brokers host:port[,...]] [--timeout-ms N]');
  process.exit(2);
}

/** One attempt: connect, describe the cluster, disconnect. Throws when it does not answer. */
async function describeOnce() {
  const kafka = new Kafka({
    clientId: 'rnn-stream-wait-kafka',
    brokers,
    ...security,
    connectionTimeout: 1000,
    requestTimeout: 3000,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0) throw new Error('no broker registered yet');
    if (cluster.controller === null || cluster.controller < 0) throw new Error('no controller yet');
    return cluster;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

const deadline = Date.now() + timeoutMs;
let lastError = 'no attempt made';
while (Date.now() < deadline) {
  try {
    const cluster = await describeOnce();
    const ids = cluster.brokers.map((b) => `${b.nodeId}@${b.host}:${b.port}`).join(',');
    console.log(`cluster ${cluster.clusterId}, brokers ${ids}, controller ${cluster.controller}`);
    process.exit(0);
  } catch (err) {
    lastError = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  }
  await sleep(Math.min(500, Math.max(0, deadline - Date.now())));
}
console.error(`Kafka at ${brokers.join(',')} did not answer within ${timeoutMs} ms: ${lastError}`);
process.exit(1);
