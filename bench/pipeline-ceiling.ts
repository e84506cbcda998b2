/**
 * Phase of bench/pipeline.ts (run in its own process): the stack's ceiling, a bare kafkajs
 * consume -> produce of the input messages to another topic, with the pipeline's consumer and
 * producer settings (fetch limits, eachBatch concurrency, idempotent producer, acks, requests of
 * at most 512 KiB), the same output headers as the pipeline's (kafka.outputHeaders), and nothing
 * in between: no decoding, no model, no Redis. `run.bareClient` picks the kafkajs: the project's
 * patched install (the client the pipeline runs on) or the published 2.2.4 (what a user of
 * kafkajs gets from npm).
 * Usage: tsx bench/pipeline-ceiling.ts '<BenchRun JSON>'
 */
import { CompressionTypes, type Kafka, type Message } from 'kafkajs';
import { Kafka as PublishedKafka, logLevel } from 'kafkajs-published';
import { consumerOptions, producerOptions } from '../src/kafka/client-options.js';
import { createKafka } from '../src/kafka/create-kafka.js';
import { loadModel } from '../src/model/load-model.js';
import { predictionHeaders } from '../src/records/prediction-headers.js';
import { benchConfig, OutputClock, type BenchRun } from './pipeline-common.js';

const MAX_REQUEST_BYTES = 512 * 1024;

const run = JSON.parse(process.argv[2]) as BenchRun;
const { kafka: k } = await benchConfig(run);
const kafka: Kafka =
  run.bareClient === 'published'
    ? (new PublishedKafka({ clientId: 'rnn-stream-bench', brokers: [...k.brokers], logLevel: logLevel.NOTHING }) as unknown as Kafka)
    : createKafka(k);
const { manifest, version } = await loadModel(run.model);
// The service's own client settings, so the ceiling differs from the pipeline only in the work done.
const consumer = kafka.consumer(consumerOptions(k, `${run.groupId}-ceiling`));
const producer = kafka.producer(producerOptions(k));
await Promise.all([consumer.connect(), producer.connect()]);
await consumer.subscribe({ topic: run.inputTopic, fromBeginning: true });
if (run.signalReady) consumer.on(consumer.events.GROUP_JOIN, () => process.stdout.write('ready\n'));
const clock = new OutputClock(run.warmupSeconds);
let finish!: () => void;
const finished = new Promise<void>((resolve) => (finish = resolve));
await consumer.run({
  autoCommit: true,
  eachBatchAutoResolve: false,
  partitionsConsumedConcurrently: k.partitionsConsumedConcurrently,
  eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
    clock.received();
    const messages = batch.messages;
    const partitionText = String(batch.partition);
    let start = 0;
    while (start < messages.length) {
      let end = start;
      let bytes = 0;
      const chunk: Message[] = [];
      while (end < messages.length && (end === start || bytes + size(messages[end]) <= MAX_REQUEST_BYTES)) {
        bytes += size(messages[end]);
        const m = messages[end];
        chunk.push({ key: m.key, value: m.value, headers: predictionHeaders(k.outputHeaders, batch.topic, partitionText, m.offset, manifest.name, version) });
        end++;
      }
      await producer.send({ topic: run.outputTopic, messages: chunk, acks: k.producer.acks, compression: CompressionTypes.None });
      start = end;
    }
    if (messages.length > 0) resolveOffset(messages[messages.length - 1].offset);
    await heartbeat();
    clock.batches++;
    if (clock.acked(messages.length) >= run.events) finish();
  },
});
await finished;
const result = clock.result();
await consumer.disconnect();
await producer.disconnect();
process.stdout.write(`${JSON.stringify(result)}\n`);

function size(m: { key: Buffer | null; value: Buffer | null }): number {
  return 24 + (m.key?.length ?? 0) + (m.value?.length ?? 0);
}
