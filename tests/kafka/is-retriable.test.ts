import { KafkaJSConnectionError, KafkaJSGroupCoordinatorNotFound, KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { StateCorruptError, StateFencedError, StateStoreError } from '../../src/errors/index.js';
import { isRetriable } from '../../src/kafka/kafka-batch-source.js';
import { OutputTransactionError } from '../../src/errors/output-transaction-error.js';

// kafkajs' runtime constructors take (error, { cause, ... }); its type declarations omit the options.
type KafkaErrorCtor = new (e: Error | string | object, options?: object) => Error & { retriable: boolean };
const NonRetriable = KafkaJSNonRetriableError as unknown as KafkaErrorCtor;
const RetriesExceeded = KafkaJSNumberOfRetriesExceeded as unknown as KafkaErrorCtor;
const ProtocolError = KafkaJSProtocolError as unknown as KafkaErrorCtor;

describe('isRetriable', () => {
  it('treats a broker that stayed unreachable through kafkajs retries as transient', () => {
    const lost = new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9092');
    // What kafkajs' retrier throws once its retries are used up, and what outer layers wrap it in.
    const exhausted = new RetriesExceeded(lost, { retryCount: 5, retryTime: 9752 });
    const wrapped = new NonRetriable(exhausted, { cause: lost });
    expect(exhausted.retriable).toBe(false);
    expect(isRetriable(exhausted)).toBe(true);
    expect(isRetriable(wrapped)).toBe(true);
  });

  it('treats a group coordinator no broker answered for as transient (a broker outage), also inside an output transaction error', () => {
    const lost = new (KafkaJSGroupCoordinatorNotFound as unknown as KafkaErrorCtor)('Failed to find group coordinator');
    expect(lost.retriable).toBe(false);
    expect(isRetriable(lost)).toBe(true);
    const transaction = new OutputTransactionError(
      { topic: 't', partition: 0, transactionalId: 'g-t-0', phase: 'commit', fenced: false, aborted: false },
      { cause: lost, retriable: isRetriable(lost) },
    );
    expect(isRetriable(new NonRetriable(transaction, { cause: transaction }))).toBe(true);
  });

  it('treats group-membership errors as retriable: kafkajs rejoins the group', () => {
    for (const type of ['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID']) {
      const e = new ProtocolError({ message: type, type, code: 27, retriable: false });
      expect(e.retriable).toBe(false);
      expect(isRetriable(e)).toBe(true);
      expect(isRetriable(new NonRetriable(e, { cause: e }))).toBe(true);
    }
  });

  it('keeps errors that no retry can fix fatal', () => {
    const denied = new ProtocolError({ message: 'Not authorized to access topics', type: 'TOPIC_AUTHORIZATION_FAILED', code: 29, retriable: false });
    expect(isRetriable(new NonRetriable(denied, { cause: denied }))).toBe(false);
    expect(isRetriable(new Error('a bug'))).toBe(false);
    expect(isRetriable(new StateCorruptError('bad bytes', { key: 'k' }))).toBe(false);
  });

  it('follows the project errors\' own flag', () => {
    expect(isRetriable(new StateStoreError('connection lost', { op: 'apply' }, { retriable: true }))).toBe(true);
    expect(isRetriable(new StateFencedError({ topic: 't', partition: 0, expected: 4, actual: 9 }))).toBe(false);
  });
});
