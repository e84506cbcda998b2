import { createServer, type Server } from 'node:net';
import { connect } from 'node:tls';
import { KafkaJSAggregateError, KafkaJSNonRetriableError, KafkaJSProtocolError, KafkaJSSASLAuthenticationError } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { accessFailure } from '../../src/cli/access-failure.js';
import { StateStoreError } from '../../src/errors/index.js';

let server: Server | undefined;
afterEach(() => {
  server?.close();
  server = undefined;
});

/** The error of a real TLS handshake against a server that answers in plain text. */
async function tlsHandshakeError(): Promise<Error> {
  server = createServer((s) => s.end('-ERR this is not TLS\r\n'));
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: true });
    socket.once('error', (e) => resolve(e));
  });
}

describe('accessFailure', () => {
  it('names a Redis wrong password wrapped in a state-store error', () => {
    const reply = new Error('WRONGPASS invalid username-password pair or user is disabled.');
    const e = new StateStoreError(reply.message, { operation: 'load' } as never, { cause: reply });
    expect(accessFailure(e)).toMatchObject({ kind: 'redis_auth' });
  });

  it('names a Redis ACL denial', () => {
    const e = new Error("NOPERM User u has no permissions to run the 'hscan' command");
    expect(accessFailure(new Error('batch failed', { cause: e }))?.text).toContain("NOPERM User u has no permissions to run the 'hscan' command");
  });

  it('finds a Kafka topic authorization failure inside "Topic creation errors"', () => {
    const denied = new KafkaJSProtocolError({ type: 'TOPIC_AUTHORIZATION_FAILED', code: 29, retriable: false, message: 'Not authorized to access topics' } as never);
    const e = new KafkaJSAggregateError('Topic creation errors', [denied]);
    expect(accessFailure(e)).toMatchObject({ kind: 'kafka_acl' });
    expect(accessFailure(e)?.text).toContain('TOPIC_AUTHORIZATION_FAILED');
  });

  it('names a Kafka SASL failure, also when kafkajs wraps it', () => {
    // kafkajs' typings omit the constructor arguments its broker and consumer pass.
    const Sasl = KafkaJSSASLAuthenticationError as unknown as new (m: string) => Error;
    const sasl = new Sasl('SASL SCRAM SHA512 authentication failed: Authentication failed');
    const Wrap = KafkaJSNonRetriableError as unknown as new (e: Error) => Error;
    expect(accessFailure(new Wrap(sasl))).toMatchObject({ kind: 'kafka_sasl' });
  });

  it('names a real TLS handshake failure', async () => {
    expect(accessFailure(await tlsHandshakeError())).toMatchObject({ kind: 'tls' });
  });

  it('leaves other failures alone', () => {
    expect(accessFailure(new Error('connect ECONNREFUSED 127.0.0.1:6379'))).toBeUndefined();
  });
});
