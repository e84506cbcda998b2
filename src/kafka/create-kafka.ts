import { Kafka, logLevel, type KafkaConfig as KafkaJsConfig, type LogEntry, type SASLOptions } from 'kafkajs';
import type { Logger } from 'pino';
import type { KafkaConnectionConfig } from '../config/kafka-config.js';
import { tlsOptions } from '../config/tls-options.js';

/**
 * A kafkajs client from the `kafka` configuration slice: brokers, client id, timeouts, TLS (PEM
 * files read once, here) and SASL (plain, SCRAM-SHA-256/512). kafkajs' log lines go to `logger`
 * (pino) when given, at their own level; without one kafkajs logs nothing.
 */
export function createKafka(config: KafkaConnectionConfig, logger?: Logger): Kafka {
  const options: KafkaJsConfig = {
    clientId: config.clientId,
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

function forward(logger: Logger, { level, log }: LogEntry): void {
  const { message, ...rest } = log;
  const fields = { component: 'kafkajs', ...rest };
  if (level === logLevel.ERROR) logger.error(fields, message);
  else if (level === logLevel.WARN) logger.warn(fields, message);
  else if (level === logLevel.INFO) logger.info(fields, message);
  else logger.debug(fields, message);
}
