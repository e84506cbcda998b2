import type { Gauge } from 'prom-client';

/** What the broker says about one partition (offsets as numbers). */
export interface PartitionOffsets {
  readonly partition: number;
  /** Log-end offset (high watermark). */
  readonly end: number;
  /** Earliest retained offset. */
  readonly start: number;
  /** The group's committed offset, or undefined when the group has none. */
  readonly committed?: number;
}

interface PartitionLag {
  /** Next offset to apply: known from applied batches, else taken from the broker. */
  position?: number;
  /** True once a batch was applied (the broker's committed offset may be older than it). */
  applied: boolean;
  end?: number;
}

/**
 * rnn_stream_consumer_lag_messages per assigned partition: the high watermark minus the applied
 * position. Fed by the pipeline after each applied batch and by a periodic poll of the broker,
 * so a partition has its series from assignment on, also while it is stalled or has not
 * committed yet. Where nothing was applied or committed, the position is the earliest retained
 * offset (`fromBeginning`) or the end (new events only), like the consumer itself.
 */
export class ConsumerLag {
  private readonly parts = new Map<string, PartitionLag>();

  constructor(
    private readonly gauge: Gauge<'topic' | 'partition'>,
    private readonly fromBeginning: () => boolean = () => true,
  ) {}

  /** The partitions of `topic` now assigned: series of others are removed, new ones appear at the next report. */
  assign(topic: string, partitions: readonly number[]): void {
    for (const id of [...this.parts.keys()]) {
      const [t, p] = splitId(id);
      if (t === topic && !partitions.includes(p)) {
        this.parts.delete(id);
        this.gauge.remove(t, String(p));
      }
    }
    for (const p of partitions) if (!this.parts.has(partId(topic, p))) this.parts.set(partId(topic, p), { applied: false });
  }

  /** A batch was applied: the next offset to apply, and the high watermark it was fetched with (NaN when unknown). */
  applied(topic: string, partition: number, nextOffset: number, highWatermark: number): void {
    const part = this.parts.get(partId(topic, partition)) ?? { applied: false };
    this.parts.set(partId(topic, partition), part);
    part.position = nextOffset;
    part.applied = true;
    if (Number.isFinite(highWatermark) && (part.end === undefined || highWatermark > part.end)) part.end = highWatermark;
    this.report(topic, partition, part);
  }

  /** Offsets polled from the broker for the assigned partitions of `topic`; others are ignored. */
  brokerOffsets(topic: string, offsets: readonly PartitionOffsets[]): void {
    for (const o of offsets) {
      const part = this.parts.get(partId(topic, o.partition));
      if (part === undefined) continue;
      part.end = o.end;
      if (!part.applied) part.position = o.committed ?? (this.fromBeginning() ? o.start : o.end);
      this.report(topic, o.partition, part);
    }
  }

  /** The assigned partitions of `topic`. */
  assigned(topic: string): number[] {
    return [...this.parts.keys()].map(splitId).filter(([t]) => t === topic).map(([, p]) => p);
  }

  private report(topic: string, partition: number, part: PartitionLag): void {
    if (part.end === undefined || part.position === undefined) return;
    this.gauge.labels(topic, String(partition)).set(Math.max(0, part.end - part.position));
  }
}

function partId(topic: string, partition: number): string {
  return `${partition}:${topic}`;
}

function splitId(id: string): [string, number] {
  const colon = id.indexOf(':');
  return [id.slice(colon + 1), Number(id.slice(0, colon))];
}
