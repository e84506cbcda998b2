import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { createKafka } from '../../src/kafka/create-kafka.js';

describe('createKafka', () => {
  it('builds a client with TLS and SASL from the configuration slice without connecting', async () => {
    const config = await loadConfig({
      env: { RNN_STREAM_KAFKA_SASL_USERNAME: 'u', RNN_STREAM_KAFKA_SASL_PASSWORD: 'p' },
      overrides: { kafka: { sasl: { mechanism: 'scram-sha-256' }, ssl: true } },
    });
    const kafka = createKafka(config.kafka);
    expect(typeof kafka.consumer).toBe('function');
    expect(typeof kafka.admin).toBe('function');
  });
});
