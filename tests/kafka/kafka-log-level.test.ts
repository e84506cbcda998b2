import { logLevel, type LogEntry } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { isRebalanceError, kafkaLogLevel } from '../../src/kafka/kafka-log-level.js';

const entry = (level: logLevel, message: string, extra: Record<string, unknown> = {}): LogEntry => ({
  namespace: 'test',
  level,
  label: 'ERROR',
  log: { timestamp: '2026-01-01T00:00:00Z', message, ...extra },
});

describe('kafkaLogLevel', () => {
  it('logs routine rebalance responses and rejoins at info', () => {
    expect(kafkaLogLevel(entry(logLevel.ERROR, 'Response Heartbeat(key: 12, version: 3)', { error: 'The group is rebalancing, so a rejoin is needed' }))).toBe('info');
    expect(kafkaLogLevel(entry(logLevel.ERROR, 'Response OffsetCommit(key: 8, version: 5)', { error: 'REBALANCE_IN_PROGRESS' }))).toBe('info');
    expect(kafkaLogLevel(entry(logLevel.ERROR, 'The coordinator is not aware of this member, re-joining the group'))).toBe('info');
    expect(kafkaLogLevel(entry(logLevel.WARN, 'The group is rebalancing, re-joining'))).toBe('info');
  });

  it('logs reconnect attempts at info', () => {
    expect(kafkaLogLevel(entry(logLevel.ERROR, 'Connection error: connect ECONNREFUSED 127.0.0.1:19092'))).toBe('info');
    expect(kafkaLogLevel(entry(logLevel.ERROR, 'Failed to connect to seed broker, trying another broker from the list: Connection timeout'))).toBe('info');
    expect(kafkaLogLevel(entry(logLevel.ERROR, 'Failed to connect to broker, reconnecting'))).toBe('info');
  });

  it('logs the concurrent-transactions answer a new owner of a transactional id gets at info', () => {
    const error = 'The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing';
    expect(kafkaLogLevel(entry(logLevel.ERROR, 'Response InitProducerId(key: 22, version: 1)', { error }))).toBe('info');
    expect(kafkaLogLevel(entry(logLevel.ERROR, 'Response EndTxn(key: 26, version: 0)', { error: 'The producer has been rejected from the broker because it tried to use an old epoch with the transactionalId' }))).toBe('error');
  });

  it('keeps real errors at error and other levels as they are', () => {
    expect(kafkaLogLevel(entry(logLevel.ERROR, 'Crash: KafkaJSNumberOfRetriesExceeded: Connection error'))).toBe('error');
    expect(kafkaLogLevel(entry(logLevel.ERROR, 'Failed to send messages: This server does not host this topic-partition'))).toBe('error');
    expect(kafkaLogLevel(entry(logLevel.WARN, 'KafkaJS v2.0.0 switched default partitioner'))).toBe('warn');
    expect(kafkaLogLevel(entry(logLevel.INFO, 'Consumer has joined the group'))).toBe('info');
    expect(kafkaLogLevel(entry(logLevel.DEBUG, 'Request Fetch'))).toBe('debug');
  });
});

describe('isRebalanceError', () => {
  it('finds a rebalance in the error or its cause chain, and nothing else', () => {
    const protocol = Object.assign(new Error('The group is rebalancing, so a rejoin is needed'), { type: 'REBALANCE_IN_PROGRESS' });
    expect(isRebalanceError(protocol)).toBe(true);
    expect(isRebalanceError(new Error('batch failed', { cause: new Error('x', { cause: protocol }) }))).toBe(true);
    expect(isRebalanceError(Object.assign(new Error('stale'), { type: 'ILLEGAL_GENERATION' }))).toBe(true);
    expect(isRebalanceError(new Error('Connection error: ECONNREFUSED'))).toBe(false);
    expect(isRebalanceError(Object.assign(new Error('bad'), { type: 'TOPIC_AUTHORIZATION_FAILED' }))).toBe(false);
    expect(isRebalanceError('REBALANCE_IN_PROGRESS')).toBe(false);
  });
});
