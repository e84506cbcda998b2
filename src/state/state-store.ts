import type { KeyState } from './key-state.js';

/** One input partition: the unit of ownership, atomicity and progress (docs/architecture.md). */
export interface PartitionRef {
  readonly topic: string;
  readonly partition: number;
}

/**
 * A prediction message kept in the outbox until it is known to be produced. Headers are not
 * stored (they are rebuilt from the value): a message read back has none, unless an older build
 * stored them.
 */
export interface OutboxMessage {
  readonly key: string;
  readonly value: Buffer;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * A dead letter kept in the outbox (output.guarantee exactly_once): the record as produced, key,
 * value and headers byte for byte (a header value read back is a Buffer).
 */
export interface OutboxRecord {
  readonly key: Buffer | string | null;
  readonly value: Buffer | null;
  readonly headers?: Readonly<Record<string, Buffer | string | (Buffer | string)[] | undefined>>;
}

/** The predictions (and, under exactly_once, the dead letters) of a partition's last applied batch, and whether they reached Kafka. */
export interface Outbox {
  /** Watermark of the batch these messages belong to. */
  readonly watermark: number;
  readonly messages: readonly OutboxMessage[];
  /** Empty unless the batch was written with dead letters (exactly_once). */
  readonly deadLetters: readonly OutboxRecord[];
  readonly produced: boolean;
}

/** What a worker reads once when a partition is assigned to it. */
export interface PartitionSnapshot {
  /** Offset of the last event applied from this partition; -1 when none. */
  readonly watermark: number;
  /** States of the partition's keys, by entity key. */
  readonly states: Map<string, KeyState>;
  /** The last batch's predictions, when they were not marked produced (re-produce them). */
  readonly outbox: Outbox | null;
}

/** One batch's effect, written atomically: states of touched keys, outbox, new watermark. */
export interface BatchWrite {
  readonly partition: PartitionRef;
  /** The watermark the writer believes is current (fencing: a mismatch means another owner wrote). */
  readonly expectedWatermark: number;
  /** Offset of the batch's last message (valid or not): the new watermark. */
  readonly watermark: number;
  /** States of the keys this batch touched, after the batch. */
  readonly states: ReadonlyMap<string, KeyState>;
  readonly outbox: readonly OutboxMessage[];
  /**
   * Dead letters kept with the outbox, to be produced with the predictions in one transaction
   * (exactly_once); absent under at_least_once, which produces them before the write.
   */
  readonly deadLetters?: readonly OutboxRecord[];
  /** Shadow models' states of the keys this batch touched, by model version, each kept in its own hash. */
  readonly shadows?: ReadonlyMap<string, ReadonlyMap<string, KeyState>>;
}

/**
 * Where per-key state and per-partition progress live. Implementations: RedisStateStore
 * (production; one round trip per batch) and MemoryStateStore (embedded demo, backtests, tests).
 */
export interface StateStore {
  /** Reads everything of a partition (on assignment). */
  loadPartition(partition: PartitionRef): Promise<PartitionSnapshot>;
  /**
   * Applies a batch atomically. Throws a fencing error (not retriable) when the stored watermark
   * is not `expectedWatermark`: another worker owns or owned the partition since. Repeating the
   * batch that set the current watermark (same expected and new watermark, e.g. a retry after a
   * lost reply) succeeds without writing: by determinism its bytes are already stored.
   * Reads `write` (the states included) before it returns: the caller may change the states as
   * soon as the call has returned, and writes of one partition are applied in the order of the calls.
   */
  applyBatch(write: BatchWrite): Promise<void>;
  /** Reads every state of shadow model `version` in a partition (on the shadow's first batch there). */
  loadShadow(partition: PartitionRef, version: string): Promise<Map<string, KeyState>>;
  /** Marks the outbox of `watermark` as produced (no-op if a newer batch replaced it). */
  markProduced(partition: PartitionRef, watermark: number): Promise<void>;
  /** Reads one key's state (for `rnn-stream inspect`); null when absent. */
  readKey(partition: PartitionRef, key: string): Promise<KeyState | null>;
  /** Resolves when the store answers (for /readyz); optional for test doubles. */
  ping?(): Promise<void>;
  close(): Promise<void>;
}
