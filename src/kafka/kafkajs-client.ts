import type { Consumer, Kafka, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { Observable } from 'rxjs';
import type { KafkaConfig } from '../config/kafka-config.js';
import type { SinkRecord } from '../records/sink-record.js';
import type { StreamBatch } from '../stream/stream-batch.js';
import { consumerOptions, producerOptions } from './client-options.js';
import { createKafka } from './create-kafka.js';
import { FetchSizer } from './fetch-sizer.js';
import type { ConsumerSource, ConsumerSourceOptions, KafkaAdmin, KafkaClient, ProducerSink } from './kafka-client.js';
import { isRetriable, kafkaBatchSource } from './kafka-batch-source.js';
import { KafkaRecordSink } from './kafka-record-sink.js';
import { KafkajsAdmin } from './kafkajs-admin.js';
import { kafkajsOutputTransactions } from './kafkajs-output-transactions.js';

/**
 * The project's Kafka interfaces on kafkajs, from the `kafka` configuration slice: a client
 * patched and guarded against hostile input (createKafka), consumers with the configured group
 * timeouts and fetch limits, producers with the configured acks, idempotence and compression.
 */
export function createKafkajsClient(config: KafkaConfig, logger?: Logger): KafkaClient {
  const kafka: Kafka = createKafka(config, logger);
  return {
    admin: (): KafkaAdmin => new KafkajsAdmin(kafka.admin()),
    consumerSource: (options) => new KafkajsConsumerSource(kafka.consumer(consumerOptions(config, options.groupId)), config, options),
    producerSink: () => new KafkajsProducerSink(kafka.producer(producerOptions(config)), config),
    outputTransactions: (options) => kafkajsOutputTransactions({ kafka, config, logger, ...options }),
    isRetriable,
  };
}

class KafkajsConsumerSource implements ConsumerSource {
  private readonly consumer: Consumer;
  private readonly config: KafkaConfig;
  private readonly options: ConsumerSourceOptions;

  constructor(consumer: Consumer, config: KafkaConfig, options: ConsumerSourceOptions) {
    this.consumer = consumer;
    this.config = config;
    this.options = options;
  }

  connect(): Promise<void> {
    return this.consumer.connect();
  }

  batches(): Observable<StreamBatch> {
    const { topic, fromBeginning, partitionsConsumedConcurrently, onAssignment, autoCommit, eventsPerFetch, onFetchLimit } = this.options;
    const { fetchFloorBytesPerPartition: floorBytes, maxBytesPerPartition: ceilingBytes, maxBytes } = this.config;
    const fetchSizer = eventsPerFetch && new FetchSizer({ eventsPerFetch, floorBytes, ceilingBytes });
    return kafkaBatchSource({ consumer: this.consumer, topic, fromBeginning, partitionsConsumedConcurrently, onAssignment, autoCommit, fetchSizer, maxBytes, onFetchLimit });
  }

  stop(): Promise<void> {
    return this.consumer.stop();
  }

  disconnect(): Promise<void> {
    return this.consumer.disconnect();
  }
}

class KafkajsProducerSink implements ProducerSink {
  private readonly producer: Producer;
  private readonly sink: KafkaRecordSink;

  constructor(producer: Producer, config: KafkaConfig) {
    this.producer = producer;
    this.sink = new KafkaRecordSink(producer, { acks: config.producer.acks, compression: config.producer.compression });
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  send(topic: string, records: readonly SinkRecord[]): Promise<void> {
    return this.sink.send(topic, records);
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }
}
