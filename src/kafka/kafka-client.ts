/**
 * The project's narrow view of Kafka: everything outside src/kafka/ reaches Kafka through these
 * interfaces, never through a client library's types, so that the library can be swapped by
 * writing one more implementation (today: kafkajs-client.ts). See docs/architecture.md, "Kafka
 * client decision".
 */
import type { Observable } from 'rxjs';
import type { OutputTransactions } from '../stream/output-transactions.js';
import type { RecordSink } from '../stream/record-sink.js';
import type { StreamBatch } from '../stream/stream-batch.js';

/** A topic the service needs, and how to create it when missing. */
export interface TopicSpec {
  readonly topic: string;
  readonly numPartitions: number;
  readonly replicationFactor: number;
}

/** Cluster administration: topics and what the service checks about the cluster. */
export interface KafkaAdmin {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  listTopics(): Promise<string[]>;
  /** Creates `topics` and waits until each partition has a leader; rejects if one exists already. */
  createTopics(topics: readonly TopicSpec[]): Promise<void>;
  /** The number of partitions of `topic` in the cluster's metadata (0 when it has none). */
  partitionCount(topic: string): Promise<number>;
  /** The number of brokers in the cluster (for readiness). */
  brokerCount(): Promise<number>;
  /** Each partition of `topic`: its earliest offset (`low`) and log-end offset (`high`), decimal strings. */
  topicOffsets(topic: string): Promise<readonly PartitionOffsets[]>;
  /** Consumer group `groupId`'s committed offset of each partition of `topic` ("-1" where none). */
  committedOffsets(groupId: string, topic: string): Promise<readonly { readonly partition: number; readonly offset: string }[]>;
}

/** A partition's earliest and log-end offsets. */
export interface PartitionOffsets {
  readonly partition: number;
  readonly low: string;
  readonly high: string;
}

/** What a {@link ConsumerSource} consumes, and how. */
export interface ConsumerSourceOptions {
  readonly groupId: string;
  readonly topic: string;
  /** Where a group without committed offsets starts: the earliest offset (true) or the end. */
  readonly fromBeginning: boolean;
  /** Partitions whose batches may be in the pipeline at once. */
  readonly partitionsConsumedConcurrently: number;
  /** Called on every group (re)join with the partitions of `topic` now assigned to this member. */
  readonly onAssignment?: (partitions: readonly number[]) => void;
  /**
   * Whether the member commits the offsets the pipeline resolved (default true). False under
   * exactly_once, where offsets are committed only inside output transactions.
   */
  readonly autoCommit?: boolean;
  /**
   * Events one partition's fetch should bring (WorkBudget.eventsPerFetch: NaN or Infinity for the
   * configured maximum); the source turns it into a byte limit with the measured record size,
   * between the configured floor and maximum. Without it the configured maximum stays.
   */
  readonly eventsPerFetch?: () => number;
  /** Called with the new per-partition fetch limit, bytes, whenever it changes. */
  readonly onFetchLimit?: (bytesPerPartition: number) => void;
}

/**
 * The input: one consumer group member. `batches()` starts consuming on subscription and emits
 * one partition's messages at a time with backpressure (a partition's next batch only after the
 * previous one settled); the stream errors on a fatal consumer failure. Record batches that
 * cannot be read arrive as stand-in messages (StreamMessage.unreadableBatch), never as errors.
 */
export interface ConsumerSource {
  connect(): Promise<void>;
  batches(): Observable<StreamBatch>;
  /** Stops fetching; the batches in hand are finished and their offsets committed. */
  stop(): Promise<void>;
  disconnect(): Promise<void>;
}

/** The output: a {@link RecordSink} on a producer (idempotent, acks and compression as configured). */
export interface ProducerSink extends RecordSink {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
}

/** What became of one output transaction (for the transactions counter). */
export type OutputTransactionResult = 'committed' | 'aborted' | 'fenced';

/** What {@link KafkaClient.outputTransactions} needs. */
export interface OutputTransactionsOptions {
  /** The consumer group whose offsets the transactions commit. */
  readonly groupId: string;
  /** Transactional ids are `<prefix>-<input topic>-<partition>`. */
  readonly transactionalIdPrefix: string;
  readonly transactionTimeoutMs: number;
  /** Called once per transaction that ended, with how it ended. */
  readonly onTransaction?: (result: OutputTransactionResult) => void;
  /** Called for each produce request that failed inside a transaction. */
  readonly onProduceError?: (error: unknown) => void;
}

/** The exactly_once output (`stream/`'s port) plus connect and disconnect (which lets every partition go). */
export interface OutputTransactionsClient extends OutputTransactions {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
}

/** A Kafka client library behind the project's interfaces. */
export interface KafkaClient {
  admin(): KafkaAdmin;
  consumerSource(options: ConsumerSourceOptions): ConsumerSource;
  producerSink(): ProducerSink;
  /** Transactional producers, one per input partition held (output.guarantee exactly_once). */
  outputTransactions(options: OutputTransactionsOptions): OutputTransactionsClient;
  /** Whether trying again after `error` (thrown by one of this client's objects) may succeed. */
  isRetriable(error: unknown): boolean;
}
