import { RnnStreamError } from '../errors/index.js';
import type { StreamMessage } from '../records/stream-message.js';
import type { BatchControl, BatchOutcome, StreamBatch } from '../stream/stream-batch.js';
import type { SimTick } from './sim-tick.js';
import { tickToJson } from './sim-tick.js';

/** A batch handed to the pipeline and the promise of its outcome. */
export interface PendingBatch {
  readonly batch: StreamBatch;
  readonly outcome: Promise<BatchOutcome>;
}

/**
 * Turns simulated ticks into the pipeline's neutral batches, as if they had been produced to a
 * topic with `partitions` partitions and fetched back: symbol i lives in partition i mod
 * partitions (so a key's ticks stay in one partition, in order), offsets count from 0 per
 * partition, values are the contract's JSON and keys the symbol. Control is local: commit
 * records the offset, seek is refused (nothing can be re-read), settle resolves the outcome.
 */
export class TickBatches {
  readonly topic: string;
  readonly partitions: number;
  private readonly nextOffset: number[];
  private readonly committed: number[];
  private readonly keys: Buffer[];
  private readonly grouped: StreamMessage[][];

  constructor(topic: string, partitions: number, symbols: readonly string[]) {
    this.topic = topic;
    this.partitions = partitions;
    this.nextOffset = new Array<number>(partitions).fill(0);
    this.committed = new Array<number>(partitions).fill(-1);
    this.keys = symbols.map((s) => Buffer.from(s));
    this.grouped = Array.from({ length: partitions }, () => []);
  }

  /** The partition of a symbol (by its index in the market). */
  partitionOf(symbolIndex: number): number {
    return symbolIndex % this.partitions;
  }

  /** Last offset committed by the pipeline in each partition (-1 when none). */
  committedOffsets(): readonly number[] {
    return this.committed;
  }

  /** One batch per partition that has ticks among the first `n` of `ticks`, in offset order. */
  toBatches(ticks: readonly SimTick[], n: number): PendingBatch[] {
    for (let i = 0; i < n; i++) {
      const t = ticks[i];
      const p = this.partitionOf(t.symbolIndex);
      this.grouped[p].push({
        key: this.keys[t.symbolIndex],
        value: Buffer.from(tickToJson(t)),
        offset: String(this.nextOffset[p]++),
        timestamp: String(t.ts),
      });
    }
    const pending: PendingBatch[] = [];
    for (let p = 0; p < this.partitions; p++) {
      if (this.grouped[p].length === 0) continue;
      pending.push(this.pending(p, this.grouped[p]));
      this.grouped[p] = [];
    }
    return pending;
  }

  private pending(partition: number, messages: StreamMessage[]): PendingBatch {
    let settle!: (o: BatchOutcome) => void;
    const outcome = new Promise<BatchOutcome>((resolve) => (settle = resolve));
    const control: BatchControl = {
      heartbeat: () => Promise.resolve(),
      isActive: () => true,
      commit: (offset) => {
        this.committed[partition] = Number(offset);
      },
      seek: (offset) => {
        throw new RnnStreamError(`simulated partition ${partition} cannot seek to ${offset}: its ticks are not kept`);
      },
      settle,
    };
    const highWatermark = String(this.nextOffset[partition]);
    return { batch: { topic: this.topic, partition, messages, highWatermark, control }, outcome };
  }
}
