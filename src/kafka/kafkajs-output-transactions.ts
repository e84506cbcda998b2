import type { Kafka, Producer, Transaction } from 'kafkajs';
import type { Logger } from 'pino';
import type { KafkaConfig } from '../config/kafka-config.js';
import { OutputTransactionError, type OutputTransactionPhase } from '../errors/output-transaction-error.js';
import { RnnStreamError } from '../errors/rnn-stream-error.js';
import type { PartitionRef } from '../state/state-store.js';
import type { OutputTransactionResult, OutputTransactionsClient } from './kafka-client.js';
import { producerOptions } from './client-options.js';
import { isRetriable } from './kafka-batch-source.js';
import { KafkaRecordSink } from './kafka-record-sink.js';

/** Options of {@link kafkajsOutputTransactions}. */
export interface KafkajsOutputTransactionsOptions {
  readonly kafka: Kafka;
  readonly config: KafkaConfig;
  /** The consumer group whose offsets the transactions commit. */
  readonly groupId: string;
  /** Transactional ids are `<prefix>-<input topic>-<partition>`. */
  readonly transactionalIdPrefix: string;
  readonly transactionTimeoutMs: number;
  readonly logger?: Logger;
  /** Called once per transaction that ended, with how it ended. */
  readonly onTransaction?: (result: OutputTransactionResult) => void;
  /** Called for each produce request that failed inside a transaction. */
  readonly onProduceError?: (error: unknown) => void;
}

/** kafkajs protocol errors that mean another producer took the transactional id (a newer epoch). */
const FENCED = new Set(['INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED']);
/** Kafka's error codes for the same (kafkajs 2.2.4 does not name 90). */
const FENCED_CODES = new Set([47, 90]);

/** The transactional id of an input partition. */
export function transactionalIdOf(prefix: string, ref: PartitionRef): string {
  return `${prefix}-${ref.topic}-${ref.partition}`;
}

/**
 * {@link OutputTransactionsClient} on kafkajs: one transactional producer per input partition held,
 * made anew on each claim (kafkajs initializes a producer id once per producer, and the claim
 * must bump the epoch to fence the previous owner), and let go after any failed transaction (a
 * kafkajs producer whose EndTxn failed stays in an unusable state; the next claim makes a new one).
 * An admin client reads the group's committed offsets after each claim.
 */
export function kafkajsOutputTransactions(opts: KafkajsOutputTransactionsOptions): OutputTransactionsClient {
  const admin = opts.kafka.admin();
  const held = new Map<string, { readonly ref: PartitionRef; readonly id: string; readonly producer: Producer }>();
  const log = opts.logger;
  const sinkOptions = { acks: opts.config.producer.acks, compression: opts.config.producer.compression, onError: opts.onProduceError };
  const keyOf = (ref: PartitionRef): string => `${ref.topic}\u0000${ref.partition}`;

  const drop = async (ref: PartitionRef): Promise<void> => {
    const entry = held.get(keyOf(ref));
    if (!entry) return;
    held.delete(keyOf(ref));
    try {
      await entry.producer.disconnect();
    } catch (error) {
      log?.warn({ topic: ref.topic, partition: ref.partition, transactionalId: entry.id, err: error }, 'cannot disconnect a transactional producer cleanly');
    }
  };

  const failure = (ref: PartitionRef, id: string, phase: OutputTransactionPhase, error: unknown, aborted: boolean): OutputTransactionError =>
    new OutputTransactionError({ ...ref, transactionalId: id, phase, fenced: isFenced(error), aborted }, { cause: error, retriable: isRetriable(error) });

  return {
    connect: () => admin.connect(),

    async disconnect() {
      for (const entry of [...held.values()]) await drop(entry.ref);
      await admin.disconnect();
    },

    async claim(ref) {
      await drop(ref);
      const id = transactionalIdOf(opts.transactionalIdPrefix, ref);
      const producer = opts.kafka.producer({
        ...producerOptions(opts.config),
        idempotent: true,
        maxInFlightRequests: 1,
        transactionalId: id,
        transactionTimeout: opts.transactionTimeoutMs,
      });
      try {
        await producer.connect();
        // kafkajs sends InitProducerId on a producer's first transaction: begin one and end it
        // empty (no request). The broker bumps the id's epoch (fencing the previous holder) and
        // answers only once a transaction that holder left open is committed or aborted.
        const probe = await producer.transaction();
        await probe.abort();
      } catch (error) {
        await producer.disconnect().catch((e: unknown) => log?.warn({ transactionalId: id, err: e }, 'cannot disconnect a transactional producer cleanly'));
        throw failure(ref, id, 'init', error, false);
      }
      held.set(keyOf(ref), { ref, id, producer });
      let committed: number | null;
      try {
        const offsets = await admin.fetchOffsets({ groupId: opts.groupId, topics: [ref.topic] });
        const found = offsets.find((t) => t.topic === ref.topic)?.partitions.find((p) => p.partition === ref.partition);
        committed = found === undefined || Number(found.offset) < 0 ? null : Number(found.offset);
      } catch (error) {
        await drop(ref);
        throw new RnnStreamError(`${ref.topic}[${ref.partition}]: cannot read the committed offset of group ${opts.groupId} after taking ${id}`, {
          cause: error,
          retriable: isRetriable(error),
        });
      }
      log?.info({ topic: ref.topic, partition: ref.partition, transactionalId: id, committed }, 'transactional id taken');
      return committed;
    },

    async commit(ref, outputs, nextOffset) {
      const entry = held.get(keyOf(ref));
      if (!entry) throw new RnnStreamError(`${ref.topic}[${ref.partition}]: output transaction without a claim (a bug)`);
      const { id, producer } = entry;
      let phase: OutputTransactionPhase = 'init';
      let transaction: Transaction | undefined;
      try {
        transaction = await producer.transaction();
        phase = 'produce';
        const sink = new KafkaRecordSink(transaction, sinkOptions);
        for (const o of outputs) if (o.records.length > 0) await sink.send(o.topic, o.records);
        phase = 'send_offsets';
        await transaction.sendOffsets({ consumerGroupId: opts.groupId, topics: [{ topic: ref.topic, partitions: [{ partition: ref.partition, offset: String(nextOffset) }] }] });
        phase = 'commit';
        await transaction.commit();
      } catch (error) {
        const aborted = await abortQuietly(transaction, error, id, log);
        await drop(ref);
        const failed = failure(ref, id, phase, error, aborted);
        opts.onTransaction?.(failed.fenced ? 'fenced' : 'aborted');
        throw failed;
      }
      opts.onTransaction?.('committed');
    },

    async release(refs) {
      for (const ref of refs) await drop(ref);
    },

    held: () => [...held.values()].map((e) => e.ref),
  };
}

/**
 * Aborts `transaction` after `cause` when it is still open and not fenced (a fenced producer
 * cannot end it; the broker already aborted it). Returns whether it was aborted; an abort that
 * fails is logged with both errors and reported as not aborted (the broker aborts it when the
 * next claim bumps the epoch, or after the transaction timeout).
 */
async function abortQuietly(transaction: Transaction | undefined, cause: unknown, id: string, log: Logger | undefined): Promise<boolean> {
  if (transaction === undefined || !transaction.isActive() || isFenced(cause)) return false;
  try {
    await transaction.abort();
    return true;
  } catch (error) {
    log?.warn({ transactionalId: id, err: error, cause }, 'cannot abort the failed output transaction; the next claim of the partition aborts it');
    return false;
  }
}

/** Whether `error` (or an error in its cause chain) says the producer was fenced. */
export function isFenced(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; typeof e === 'object' && e !== null && depth < 8; depth++) {
    const k = e as { type?: unknown; code?: unknown; cause?: unknown; originalError?: unknown };
    if (typeof k.type === 'string' && FENCED.has(k.type)) return true;
    if (typeof k.code === 'number' && FENCED_CODES.has(k.code)) return true;
    e = k.cause ?? k.originalError;
  }
  return false;
}
