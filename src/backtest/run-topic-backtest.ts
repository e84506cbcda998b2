/**
 * Backtest of a time range of a Kafka topic: the offsets whose record timestamps fall in
 * [from, to) per partition (kafka/topic-time-range.ts), read by the replay's throwaway consumer
 * that commits nothing (kafka/read-topic-range.ts, the reader `retrain` uses), every message
 * decoded with its key as the stream does and applied by a {@link BacktestRunner}.
 */
import type { Admin, ConsumerConfig, Kafka } from 'kafkajs';
import type { DecodeLimits } from '../events/decode-options-for-model.js';
import { MessageKeyCache } from '../events/message-key-cache.js';
import { readTopicRange } from '../kafka/read-topic-range.js';
import { nonEmptyTopicTimeRange, type PartitionRange } from '../kafka/topic-time-range.js';
import { BacktestRunner, type BacktestRunnerOptions, type BacktestSummary } from './backtest-runner.js';

/** Options of {@link runTopicBacktest}. */
export interface TopicBacktestOptions extends Pick<BacktestRunnerOptions, 'loaded' | 'onPrediction' | 'onInvalid' | 'predictFrom'> {
  readonly kafka: Kafka;
  /** A connected admin client. */
  readonly admin: Admin;
  readonly topic: string;
  /** Start of the range (inclusive), epoch ms of the records' Kafka timestamps. */
  readonly fromMs: number;
  /** End of the range (exclusive). */
  readonly toMs: number;
  readonly limits: DecodeLimits;
  readonly consumer: ConsumerConfig;
  readonly groupPrefix: string;
  /** Called once the offsets are known (total = messages in the range), then after every batch. */
  readonly onProgress?: (read: number, total: number) => void;
  readonly onWarning?: (text: string) => void;
}

/** What a topic backtest did: its counts and the offset ranges it read. */
export interface TopicBacktestResult {
  readonly summary: BacktestSummary;
  readonly ranges: readonly PartitionRange[];
}

/**
 * Runs the backtest. Predictions come per partition in offset order (a key's events are in
 * one partition, so in order); partitions interleave as Kafka delivers their batches.
 */
export async function runTopicBacktest(opts: TopicBacktestOptions): Promise<TopicBacktestResult> {
  const { ranges, total } = await nonEmptyTopicTimeRange(opts.admin, opts.topic, opts.fromMs, opts.toMs);
  opts.onProgress?.(0, total);
  const runner = new BacktestRunner(opts);
  const keys = new MessageKeyCache();
  let read = 0;
  await readTopicRange({
    kafka: opts.kafka,
    admin: opts.admin,
    topic: opts.topic,
    ranges,
    consumer: opts.consumer,
    groupPrefix: opts.groupPrefix,
    onWarning: opts.onWarning,
    async onMessages(partition, messages) {
      for (const m of messages) {
        const at = { partition, pos: Number(m.offset) };
        // The stream's key rule (events/message-key.ts): a key that is not valid UTF-8 is rejected.
        const key = keys.text(m.key);
        if (key !== null && typeof key === 'object') {
          runner.reject(at, key.reason, key.detail);
          continue;
        }
        const written = runner.apply(m.value, key, at);
        if (written) await written;
      }
      read += messages.length;
      opts.onProgress?.(read, total);
    },
  });
  return { summary: runner.summary, ranges };
}
