import type { Producer, ProducerRecord } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { KafkaRecordSink } from '../../src/kafka/kafka-record-sink.js';

function fakeProducer(): { producer: Producer; sent: ProducerRecord[] } {
  const sent: ProducerRecord[] = [];
  const producer = { send: async (r: ProducerRecord) => void sent.push(r) } as unknown as Producer;
  return { producer, sent };
}

const record = (i: number, size: number) => ({ key: `k${i}`, value: Buffer.alloc(size, 97), headers: { h: 'x' } });

describe('KafkaRecordSink', () => {
  it('sends small record sets in one request with the configured acks and compression', async () => {
    const { producer, sent } = fakeProducer();
    await new KafkaRecordSink(producer, { acks: -1, compression: 'gzip' }).send('out', [record(0, 10), record(1, 10)]);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ topic: 'out', acks: -1, compression: 1 });
    expect(sent[0].messages.map((m) => m.key)).toEqual(['k0', 'k1']);
  });

  it('splits large record sets into requests under the byte limit, in order', async () => {
    const { producer, sent } = fakeProducer();
    const records = Array.from({ length: 10 }, (_, i) => record(i, 400));
    await new KafkaRecordSink(producer, { acks: -1, compression: 'none', maxRequestBytes: 1000 }).send('out', records);
    expect(sent.map((r) => r.messages.length)).toEqual([2, 2, 2, 2, 2]);
    expect(sent.flatMap((r) => r.messages.map((m) => m.key))).toEqual(records.map((r) => r.key));
  });

  it('sends a record larger than the limit on its own rather than dropping it', async () => {
    const { producer, sent } = fakeProducer();
    await new KafkaRecordSink(producer, { acks: 1, compression: 'none', maxRequestBytes: 100 }).send('out', [record(0, 500), record(1, 10)]);
    expect(sent.map((r) => r.messages.length)).toEqual([1, 1]);
  });

  it('sends nothing for no records', async () => {
    const { producer, sent } = fakeProducer();
    await new KafkaRecordSink(producer, { acks: -1, compression: 'none' }).send('out', []);
    expect(sent).toEqual([]);
  });
});
