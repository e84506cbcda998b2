import type { Cluster, Redis } from 'ioredis';
import { ConfigError } from '../errors/config-error.js';
import { StateFencedError } from '../errors/state-fenced-error.js';
import { StateStoreError } from '../errors/state-store-error.js';
import { checkBatchWrite } from './check-batch-write.js';
import { createRedisConnection, type RedisTopologyOptions } from './create-redis-connection.js';
import { decodeKeyState, encodedKeyStateLength, encodeKeyStateInto } from './key-state-codec.js';
import type { KeyState } from './key-state.js';
import { defineStateCommands, type StateCommands } from './lua-scripts.js';
import { decodeOutbox, encodeOutboxMessages } from './outbox-codec.js';
import { DEFAULT_KEY_PREFIX, RedisKeys, type PartitionKeys } from './redis-keys.js';
import type { BatchWrite, Outbox, PartitionRef, PartitionSnapshot, StateStore } from './state-store.js';
import { toStateStoreError } from './to-state-store-error.js';

/** Options of {@link RedisStateStore}: a client, or how to connect. */
export interface RedisStateStoreOptions {
  /** An ioredis client or Cluster the caller owns: close() leaves it open. */
  readonly client?: Redis | Cluster;
  /** How to connect when no client is given (one server or a Cluster); the store then owns and closes the client. */
  readonly connection?: RedisTopologyOptions;
  /** First part of every key (default `rnn-stream`): letters, digits and `._:-`. */
  readonly keyPrefix?: string;
  /** Partitions with at most this many keys load in one atomic script; larger ones by HSCAN pages (default 2,000; see docs/state.md). */
  readonly inlineLoadLimit?: number;
  /** COUNT hint of each HSCAN page for large partitions (default 1,000). */
  readonly scanCount?: number;
  /** Attempts to read a large partition while its watermark keeps moving, before giving up fenced (default 3). */
  readonly loadAttempts?: number;
}

/**
 * StateStore on Redis (or Redis Cluster): one hash-tagged key group per input partition
 * (redis-keys.ts), written by Lua scripts (./lua). A batch write is one EVALSHA, so one round
 * trip; reads happen only in loadPartition and readKey. Connection failures surface as retriable
 * StateStoreError; fencing as StateFencedError (never retriable).
 */
export class RedisStateStore implements StateStore {
  readonly keys: RedisKeys;
  private readonly client: Redis | Cluster;
  private readonly commands: StateCommands;
  private readonly ownsClient: boolean;
  private readonly inlineLoadLimit: number;
  private readonly scanCount: number;
  private readonly loadAttempts: number;

  constructor(options: RedisStateStoreOptions = {}) {
    this.keys = new RedisKeys(options.keyPrefix ?? DEFAULT_KEY_PREFIX);
    this.ownsClient = options.client === undefined;
    this.client = options.client ?? createRedisConnection(options.connection);
    this.commands = defineStateCommands(this.client);
    this.inlineLoadLimit = positiveInteger(options.inlineLoadLimit ?? 2_000, 'inlineLoadLimit', 0);
    this.scanCount = positiveInteger(options.scanCount ?? 1000, 'scanCount', 1);
    this.loadAttempts = positiveInteger(options.loadAttempts ?? 3, 'loadAttempts', 1);
  }

  async loadPartition(partition: PartitionRef): Promise<PartitionSnapshot> {
    const keys = this.keys.partition(partition);
    try {
      for (let attempt = 1; ; attempt++) {
        const [wmBytes, outboxWm, msgs, count, flat] = await this.commands.rnnStreamLoadBuffer(
          keys.states, keys.watermark, keys.outbox, this.inlineLoadLimit,
        );
        const watermark = Number(wmBytes.toString());
        const outbox = outboxOf(outboxWm, msgs, partition);
        if (count <= this.inlineLoadLimit) return { watermark, states: this.decodeFlat(flat, partition), outbox };
        const states = await this.scanStates(keys, partition);
        const now = Number((await this.client.get(keys.watermark)) ?? -1);
        if (now === watermark) return { watermark, states, outbox };
        if (attempt >= this.loadAttempts) {
          throw new StateFencedError({ ...partition, expected: watermark, actual: now }, 'another writer moved the watermark during the load');
        }
      }
    } catch (error) {
      throw toStateStoreError(error, { op: 'load', ...partition });
    }
  }

  async applyBatch(write: BatchWrite): Promise<void> {
    checkBatchWrite(write);
    const keys = this.keys.partition(write.partition);
    const args = this.batchArgs(write, keys);
    let reply: [number, string];
    try {
      reply = await this.commands.rnnStreamApplyBatch(...args);
    } catch (error) {
      throw toStateStoreError(error, { op: 'apply', ...write.partition });
    }
    const [code, stored] = reply;
    if (code === -1) throw new StateFencedError({ ...write.partition, expected: write.expectedWatermark, actual: Number(stored) });
    if (code === -2) throw new StateStoreError(`${stored} holds another type than a hash`, { op: 'apply', ...write.partition });
  }

  async loadShadow(partition: PartitionRef, version: string): Promise<Map<string, KeyState>> {
    const hash = this.keys.shadowStates(partition, version);
    const states = new Map<string, KeyState>();
    try {
      let cursor = '0';
      do {
        const [next, flat] = await this.client.hscanBuffer(hash, cursor, 'COUNT', this.scanCount);
        cursor = next.toString();
        this.decodeFlat(flat, partition, states);
      } while (cursor !== '0');
    } catch (error) {
      throw toStateStoreError(error, { op: 'load', ...partition });
    }
    return states;
  }

  async markProduced(partition: PartitionRef, watermark: number): Promise<void> {
    const keys = this.keys.partition(partition);
    try {
      await this.commands.rnnStreamMarkProduced(keys.outbox, String(watermark));
    } catch (error) {
      throw toStateStoreError(error, { op: 'mark_produced', ...partition });
    }
  }

  async readKey(partition: PartitionRef, key: string): Promise<KeyState | null> {
    const keys = this.keys.partition(partition);
    let bytes: Buffer | null;
    try {
      bytes = await this.client.hgetBuffer(keys.states, key);
    } catch (error) {
      throw toStateStoreError(error, { op: 'read_key', ...partition });
    }
    return bytes ? decodeKeyState(bytes, { key, ...partition }) : null;
  }

  /** Resolves when Redis answers PING (for /readyz). */
  async ping(): Promise<void> {
    try {
      await this.client.ping();
    } catch (error) {
      throw toStateStoreError(error, { op: 'ping' });
    }
  }

  /** Closes the client when the store created it (QUIT: replies in flight arrive first). */
  async close(): Promise<void> {
    if (!this.ownsClient) return;
    try {
      await this.client.quit();
    } catch (error) {
      this.client.disconnect();
      throw toStateStoreError(error, { op: 'close' });
    }
  }

  /** numkeys, KEYS and ARGV of apply-batch-n.lua; the states are encoded into one buffer per batch. */
  private batchArgs(write: BatchWrite, keys: PartitionKeys): (string | number | Buffer)[] {
    const shadows = [...(write.shadows ?? new Map<string, ReadonlyMap<string, KeyState>>())];
    let size = 0;
    for (const state of write.states.values()) size += encodedKeyStateLength(state);
    for (const [, states] of shadows) for (const state of states.values()) size += encodedKeyStateLength(state);
    const encoded = Buffer.allocUnsafe(size);
    const args: (string | number | Buffer)[] = [
      3 + shadows.length,
      keys.states,
      keys.watermark,
      keys.outbox,
      ...shadows.map(([version]) => this.keys.shadowStates(write.partition, version)),
      String(write.expectedWatermark),
      String(write.watermark),
      encodeOutboxMessages(write.outbox, write.deadLetters),
      write.outbox.length === 0 && (write.deadLetters?.length ?? 0) === 0 ? '1' : '0',
    ];
    let at = 0;
    for (const states of [write.states, ...shadows.map(([, s]) => s)]) {
      args.push(String(2 * states.size));
      for (const [key, state] of states) {
        const end = encodeKeyStateInto(state, encoded, at, key);
        args.push(key, encoded.subarray(at, end));
        at = end;
      }
    }
    return args;
  }

  private async scanStates(keys: PartitionKeys, partition: PartitionRef): Promise<Map<string, KeyState>> {
    const states = new Map<string, KeyState>();
    let cursor = '0';
    do {
      const [next, flat] = await this.client.hscanBuffer(keys.states, cursor, 'COUNT', this.scanCount);
      cursor = next.toString();
      this.decodeFlat(flat, partition, states);
    } while (cursor !== '0');
    return states;
  }

  private decodeFlat(flat: Buffer[], partition: PartitionRef, into = new Map<string, KeyState>()): Map<string, KeyState> {
    for (let i = 0; i < flat.length; i += 2) {
      const key = flat[i].toString('utf8');
      into.set(key, decodeKeyState(flat[i + 1], { key, ...partition }));
    }
    return into;
  }
}

function outboxOf(wm: Buffer, msgs: Buffer, partition: PartitionRef): Outbox | null {
  if (wm.length === 0) return null;
  const { messages, deadLetters } = decodeOutbox(msgs, { key: 'outbox', ...partition });
  return { watermark: Number(wm.toString()), messages, deadLetters, produced: false };
}

function positiveInteger(value: number, name: string, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new ConfigError(`state store option ${name} is ${value}, not an integer >= ${min}`, { key: name });
  }
  return value;
}
