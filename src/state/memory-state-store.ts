import { StateFencedError } from '../errors/state-fenced-error.js';
import { StateStoreError } from '../errors/state-store-error.js';
import { checkBatchWrite, checkPartitionRef } from './check-batch-write.js';
import { decodeKeyState, encodeKeyState } from './key-state-codec.js';
import type { KeyState } from './key-state.js';
import type { BatchWrite, Outbox, OutboxMessage, OutboxRecord, PartitionRef, PartitionSnapshot, StateStore } from './state-store.js';

interface StoredOutbox {
  readonly watermark: number;
  /** The expectedWatermark of the batch that wrote it: identifies the batch for idempotent retries. */
  readonly fromWatermark: number;
  messages: readonly OutboxMessage[];
  deadLetters: readonly OutboxRecord[];
  produced: boolean;
}

interface StoredPartition {
  watermark: number;
  readonly states: Map<string, Buffer>;
  /** Shadow model version -> its states. */
  readonly shadows: Map<string, Map<string, Buffer>>;
  outbox: StoredOutbox | null;
}

/**
 * A StateStore in process memory, for the embedded demo, backtests and tests. Same semantics as
 * RedisStateStore, fencing and idempotent retries included. States are stored encoded, so callers
 * never alias stored data (and a non-finite state is refused as Redis would refuse it).
 */
export class MemoryStateStore implements StateStore {
  private readonly partitions = new Map<string, StoredPartition>();
  private closed = false;

  async loadPartition(partition: PartitionRef): Promise<PartitionSnapshot> {
    const stored = this.get(partition, 'load');
    const states = new Map<string, KeyState>();
    if (!stored) return { watermark: -1, states, outbox: null };
    for (const [key, bytes] of stored.states) states.set(key, decodeKeyState(bytes, { key, ...partition }));
    return { watermark: stored.watermark, states, outbox: unproducedOutbox(stored.outbox) };
  }

  /**
   * Applies `write` when the stored watermark equals `write.expectedWatermark`. A repeat of the
   * batch that set the current watermark (same expected and new watermark) is a no-op success:
   * its bytes are the same by determinism. Anything else throws StateFencedError.
   */
  async applyBatch(write: BatchWrite): Promise<void> {
    checkBatchWrite(write);
    const stored = this.get(write.partition, 'apply') ?? { watermark: -1, states: new Map<string, Buffer>(), shadows: new Map<string, Map<string, Buffer>>(), outbox: null };
    if (stored.watermark !== write.expectedWatermark) {
      if (stored.watermark === write.watermark && stored.outbox?.fromWatermark === write.expectedWatermark) return;
      throw new StateFencedError({ ...write.partition, expected: write.expectedWatermark, actual: stored.watermark });
    }
    const encoded: [string, Buffer][] = [];
    for (const [key, state] of write.states) encoded.push([key, encodeKeyState(state, key)]);
    const shadows: [string, [string, Buffer][]][] = [];
    for (const [version, states] of write.shadows ?? []) shadows.push([version, [...states].map(([key, state]) => [key, encodeKeyState(state, key)])]);
    for (const [key, bytes] of encoded) stored.states.set(key, bytes);
    for (const [version, states] of shadows) {
      const hash = stored.shadows.get(version) ?? new Map<string, Buffer>();
      for (const [key, bytes] of states) hash.set(key, bytes);
      stored.shadows.set(version, hash);
    }
    stored.outbox = {
      watermark: write.watermark,
      fromWatermark: write.expectedWatermark,
      messages: write.outbox.map(copyMessage),
      deadLetters: (write.deadLetters ?? []).map(copyRecord),
      produced: write.outbox.length === 0 && (write.deadLetters?.length ?? 0) === 0,
    };
    stored.watermark = write.watermark;
    this.partitions.set(partitionId(write.partition), stored);
  }

  async loadShadow(partition: PartitionRef, version: string): Promise<Map<string, KeyState>> {
    const states = new Map<string, KeyState>();
    for (const [key, bytes] of this.get(partition, 'load')?.shadows.get(version) ?? []) states.set(key, decodeKeyState(bytes, { key, ...partition }));
    return states;
  }

  async markProduced(partition: PartitionRef, watermark: number): Promise<void> {
    const outbox = this.get(partition, 'mark_produced')?.outbox;
    if (!outbox || outbox.watermark !== watermark) return;
    outbox.produced = true;
    outbox.messages = [];
    outbox.deadLetters = [];
  }

  async readKey(partition: PartitionRef, key: string): Promise<KeyState | null> {
    const bytes = this.get(partition, 'read_key')?.states.get(key);
    return bytes ? decodeKeyState(bytes, { key, ...partition }) : null;
  }

  /** Resolves while the store is open (the readiness probe of the embedded mode). */
  async ping(): Promise<void> {
    if (this.closed) throw new StateStoreError('store is closed', { op: 'ping' });
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private get(partition: PartitionRef, op: string): StoredPartition | undefined {
    if (this.closed) throw new StateStoreError('store is closed', { op, ...partition });
    checkPartitionRef(partition);
    return this.partitions.get(partitionId(partition));
  }
}

function partitionId(ref: PartitionRef): string {
  return `${ref.topic}\u0000${ref.partition}`;
}

function copyMessage(m: OutboxMessage): OutboxMessage {
  return { key: m.key, value: Buffer.from(m.value) };
}

function unproducedOutbox(outbox: StoredOutbox | null): Outbox | null {
  if (!outbox || outbox.produced) return null;
  return { watermark: outbox.watermark, messages: outbox.messages.map(copyMessage), deadLetters: outbox.deadLetters.map(copyRecord), produced: false };
}

function copyRecord(r: OutboxRecord): OutboxRecord {
  const copy = (v: Buffer | string): Buffer | string => (typeof v === 'string' ? v : Buffer.from(v));
  const headers: Record<string, Buffer | string | (Buffer | string)[]> = {};
  for (const name in r.headers) {
    const v = r.headers[name];
    if (v !== undefined) headers[name] = Array.isArray(v) ? v.map(copy) : copy(v);
  }
  return { key: r.key === null ? null : copy(r.key), value: r.value === null ? null : Buffer.from(r.value), headers };
}
