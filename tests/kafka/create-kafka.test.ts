import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { createKafka } from '../../src/kafka/create-kafka.js';
import { authenticateBytes, handshakeMechanism, KAFKA_API, startFakeSaslBroker, type FakeSaslBroker } from './fake-sasl-broker.js';

const SECRETS = { RNN_STREAM_KAFKA_SASL_USERNAME: 'svc-user', RNN_STREAM_KAFKA_SASL_PASSWORD: 'pa55-word' };

/** The kafka slice of a configuration loaded the way `run` loads it, pointed at `broker`. */
async function kafkaConfig(broker: string, overrides: Record<string, unknown>, env: Record<string, string> = {}) {
  const config = await loadConfig({ env, overrides: { kafka: { brokers: [broker], connectionTimeoutMs: 2_000, ...overrides } } });
  return config.kafka;
}

describe('createKafka, seen from the broker side of the socket', () => {
  let broker: FakeSaslBroker | undefined;
  afterEach(async () => {
    await broker?.close();
    broker = undefined;
  });

  it('without TLS or SASL opens with a plain ApiVersions request carrying the client id, and no SASL handshake', async () => {
    broker = await startFakeSaslBroker();
    const admin = createKafka(await kafkaConfig(broker.address, { clientId: 'plain-client' })).admin();
    // The fake broker knows no Metadata request, so connecting fails after the handshake steps.
    await admin.connect().catch(() => undefined);
    await admin.disconnect();
    expect(broker.requests[0]).toMatchObject({ apiKey: KAFKA_API.API_VERSIONS, clientId: 'plain-client' });
    expect(broker.requests.some((r) => r.apiKey === KAFKA_API.SASL_HANDSHAKE)).toBe(false);
  });

  it('with kafka.ssl opens with a TLS ClientHello that names kafka.ssl.servername', async () => {
    broker = await startFakeSaslBroker();
    const admin = createKafka(await kafkaConfig(broker.address, { ssl: { servername: 'kafka.example.test', rejectUnauthorized: true } })).admin();
    const connecting = admin.connect().catch((error: unknown) => error);
    const hello = await broker.firstConnection();
    // TLS record: content type 22 (handshake), version 3.x, then handshake type 1 (ClientHello).
    expect(hello[0]).toBe(0x16);
    expect(hello[1]).toBe(0x03);
    expect(hello[5]).toBe(0x01);
    expect(hello.includes(Buffer.from('kafka.example.test'))).toBe(true);
    await broker.close();
    broker = undefined;
    expect(await connecting).toBeInstanceOf(Error);
    await admin.disconnect();
  }, 30_000);

  it('with SASL PLAIN sends the PLAIN handshake and the configured username and password', async () => {
    broker = await startFakeSaslBroker();
    const admin = createKafka(await kafkaConfig(broker.address, { sasl: { mechanism: 'plain' } }, SECRETS)).admin();
    await expect(admin.connect()).rejects.toThrow(/SASL PLAIN authentication failed/);
    await admin.disconnect();
    const handshake = broker.requests.find((r) => r.apiKey === KAFKA_API.SASL_HANDSHAKE);
    const auth = broker.requests.find((r) => r.apiKey === KAFKA_API.SASL_AUTHENTICATE);
    expect(handshakeMechanism(handshake!.body)).toBe('PLAIN');
    expect(authenticateBytes(auth!.body).toString('utf8')).toBe('\0svc-user\0pa55-word');
  });

  it.each([
    ['scram-sha-256', 'SCRAM-SHA-256'],
    ['scram-sha-512', 'SCRAM-SHA-512'],
  ])('with SASL %s sends that mechanism and a SCRAM client-first message for the configured user', async (mechanism, wire) => {
    broker = await startFakeSaslBroker();
    const admin = createKafka(await kafkaConfig(broker.address, { sasl: { mechanism } }, SECRETS)).admin();
    await expect(admin.connect()).rejects.toThrow(/SASL|SCRAM/);
    await admin.disconnect();
    const handshake = broker.requests.find((r) => r.apiKey === KAFKA_API.SASL_HANDSHAKE);
    const auth = broker.requests.find((r) => r.apiKey === KAFKA_API.SASL_AUTHENTICATE);
    expect(handshakeMechanism(handshake!.body)).toBe(wire);
    // RFC 5802 client-first message: gs2 header "n,," then "n=<user>,r=<nonce>".
    expect(authenticateBytes(auth!.body).toString('utf8')).toMatch(/^n,,n=svc-user,r=\S+$/);
  });
});
