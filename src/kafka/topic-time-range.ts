import type { Admin } from 'kafkajs';
import { DatasetError, RnnStreamError } from '../errors/index.js';

/** The offsets of one partition that a time range covers: [start, end). */
export interface PartitionRange {
  readonly partition: number;
  /** First offset whose record timestamp is >= the range's start. */
  readonly start: number;
  /** First offset whose record timestamp is >= the range's end (the log end when none is); exclusive. */
  readonly end: number;
}

/**
 * Per partition of `topic`, the offsets of the records whose Kafka timestamp is in
 * [fromMs, toMs): the broker's offsets-by-timestamp lookup (ListOffsets) at both instants.
 * A partition without a record at or after an instant gets its log end offset there (as of
 * this call), so a range ending in the future stops at what the log held when it was computed.
 */
export async function topicTimeRange(admin: Admin, topic: string, fromMs: number, toMs: number): Promise<PartitionRange[]> {
  if (!(fromMs < toMs)) throw new RnnStreamError(`the time range is empty: from ${iso(fromMs)} is not before to ${iso(toMs)}`);
  let starts: { partition: number; offset: string }[];
  let ends: { partition: number; offset: string }[];
  try {
    starts = await admin.fetchTopicOffsetsByTimestamp(topic, fromMs);
    ends = await admin.fetchTopicOffsetsByTimestamp(topic, toMs);
  } catch (cause) {
    throw new RnnStreamError(`cannot look up the offsets of topic ${topic} by timestamp`, { cause });
  }
  const endOf = new Map(ends.map((e) => [e.partition, Number(e.offset)]));
  return starts
    .map((s) => {
      const start = Number(s.offset);
      const end = endOf.get(s.partition) ?? start;
      return { partition: s.partition, start, end: Math.max(start, end) };
    })
    .sort((a, b) => a.partition - b.partition);
}

/**
 * {@link topicTimeRange} for a reader of the range (replay, backtest): the ranges and the number
 * of messages they hold; a range without any message is a DatasetError naming the topic and times.
 */
export async function nonEmptyTopicTimeRange(admin: Admin, topic: string, fromMs: number, toMs: number): Promise<{ ranges: PartitionRange[]; total: number }> {
  const ranges = await topicTimeRange(admin, topic, fromMs, toMs);
  const total = ranges.reduce((n, r) => n + (r.end - r.start), 0);
  if (total === 0) throw new DatasetError(`no record of topic ${topic} has a timestamp in [${iso(fromMs)}, ${iso(toMs)})`);
  return { ranges, total };
}

function iso(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms);
}
