import { hostname } from 'node:os';
import { Kafka, logLevel, type KafkaConfig as KafkaJsConfig, type LogEntry, type SASLOptions } from 'kafkajs';
import type { Logger } from 'pino';
import type { KafkaConnectionConfig } from '../config/kafka-config.js';
import { tlsOptions } from '../config/tls-options.js';
import { kafkaLogLevel } from './kafka-log-level.js';
import { boundedGzipCodec } from './bounded-gzip-codec.js';
import { registerGzipCodec } from './kafkajs-codecs.js';
import { assertKafkajsPatched } from './kafkajs-patch.js';

/**
 * A kafkajs client from the `kafka` configuration slice: brokers, client id, timeouts, TLS (PEM
 * files read once, here) and SASL (plain, SCRAM-SHA-256/512). kafkajs' log lines go to `logger`
 * (pino) when given, at their own level except routine rebalance and reconnect messages, which
 * kafkajs logs as errors and which go out at info (see kafka-log-level.ts); without one kafkajs
 * logs nothing.
 *
 * Also guards the process against hostile input: it checks that kafkajs carries the project's
 * patch and registers the GZIP codec bounded by `maxDecompressedBatchBytes` (kafkajs' codecs
 * are process-wide: the last client created sets the limit for all).
 */
export function createKafka(config: KafkaConnectionConfig, logger?: Logger): Kafka {
  assertKafkajsPatched();
  registerGzipCodec(boundedGzipCodec(config.maxDecompressedBatchBytes));
  const options: KafkaJsConfig = {
    clientId: config.clientId ?? defaultClientId(),
    brokers: [...config.brokers],
    connectionTimeout: config.connectionTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    ssl: tlsOptions(config.ssl, 'kafka.ssl'),
    logLevel: !logger ? logLevel.NOTHING : logger.isLevelEnabled('debug') ? logLevel.DEBUG : logLevel.INFO,
    logCreator: () => (entry: LogEntry) => logger && forward(logger, entry),
  };
  if (config.sasl) options.sasl = saslOptions(config.sasl);
  return new Kafka(options);
}

/** `<hostname>-<pid>`: tells instances apart in broker logs and the group's member list. */
export function defaultClientId(): string {
  return `${hostname()}-${process.pid}`;
}

function saslOptions(sasl: NonNullable<KafkaConnectionConfig['sasl']>): SASLOptions {
  const { username, password } = sasl;
  switch (sasl.mechanism) {
    case 'plain':
      return { mechanism: 'plain', username, password };
    case 'scram-sha-256':
      return { mechanism: 'scram-sha-256', username, password };
    case 'scram-sha-512':
      return { mechanism: 'scram-sha-512', username, password };
  }
}

function forward(logger: Logger, entry: LogEntry): void {
  const { message, ...rest } = entry.log;
  logger[kafkaLogLevel(entry)]({ component: 'kafkajs', ...rest }, message);
}
