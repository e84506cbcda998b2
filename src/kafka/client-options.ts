import type { ConsumerConfig, ProducerConfig } from 'kafkajs';
import type { KafkaConfig } from '../config/kafka-config.js';
import { murmur2Partitioner } from './murmur2-partitioner.js';

/**
 * The consumer settings of the `kafka` configuration slice for consumer group `groupId`: group
 * timeouts, the fetch limits that bound memory, and the retry back-off. kafkajs retries a failed
 * batch or request after initialRetryTimeMs, doubling (with jitter) up to maxRetryTimeMs, `retries`
 * times; then the consumer crashes and restarts after at most maxRetryTimeMs (kafkajs waits the
 * last retry time). Its default cap of 30 s made recovery after a broker outage wait that long;
 * `kafka.retry` bounds it. Topics are never auto-created by consumers.
 */
export function consumerOptions(k: KafkaConfig, groupId: string): ConsumerConfig {
  return {
    groupId,
    sessionTimeout: k.sessionTimeoutMs,
    rebalanceTimeout: k.rebalanceTimeoutMs,
    heartbeatInterval: k.heartbeatIntervalMs,
    maxBytesPerPartition: k.maxBytesPerPartition,
    maxBytes: k.maxBytes,
    maxWaitTimeInMs: k.fetchMaxWaitMs,
    allowAutoTopicCreation: false,
    retry: { initialRetryTime: k.retry.initialRetryTimeMs, maxRetryTime: k.retry.maxRetryTimeMs, retries: k.retry.retries },
  };
}

/**
 * The producer settings of the `kafka` configuration slice: idempotence (which kafkajs allows
 * with one request in flight only) and the Java client's partitioner (murmur2-partitioner.ts), so
 * keys land where other clients put them.
 */
export function producerOptions(k: KafkaConfig): ProducerConfig {
  return {
    createPartitioner: murmur2Partitioner,
    idempotent: k.producer.idempotent,
    maxInFlightRequests: k.producer.idempotent ? 1 : undefined,
    allowAutoTopicCreation: false,
  };
}
