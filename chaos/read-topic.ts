/** Reads a whole topic (every partition, from the start to the current end) with kafkajs. */
import { Kafka, logLevel, type IHeaders } from 'kafkajs';

/** One record as read back. */
export interface ReadRecord {
  readonly partition: number;
  readonly offset: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: IHeaders;
}

/**
 * Every record of `topic` up to the log end at call time, per partition in offset order, as a
 * consumer of the given isolation level sees it (read_committed by default: records of aborted
 * transactions and commit markers are left out; a transaction still open keeps the read from
 * reaching the end, and the read fails after `timeoutMs`).
 */
export async function readTopic(brokers: string[], topic: string, opts: { readUncommitted?: boolean; timeoutMs?: number } = {}): Promise<ReadRecord[][]> {
  const timeoutMs = opts.timeoutMs ?? 180_000;
  const kafka = new Kafka({ clientId: 'chaos-verifier', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const out: ReadRecord[][] = ends.map(() => []);
  const remaining = new Set(ends.filter((e) => Number(e.high) > Number(e.low)).map((e) => e.partition));
  const high = new Map(ends.map((e) => [e.partition, Number(e.high)]));
  if (remaining.size === 0) return out;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const consumer = kafka.consumer({
    groupId: `chaos-verifier-${Date.now()}-${Math.random().toString(36).slice(2)}`, maxBytes: 20 << 20, maxWaitTimeInMs: 200, readUncommitted: opts.readUncommitted ?? false,
  });
  await consumer.connect();
  // A partition's last offsets may be commit markers or aborted records, which no eachBatch sees:
  // the end of every batch, filtered or not, says how far the partition was read.
  const reached = (partition: number, lastOffset: string): void => {
    if (Number(lastOffset) >= high.get(partition)! - 1) remaining.delete(partition);
    if (remaining.size === 0) done();
  };
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => reached(payload.partition, payload.lastOffset));
  await consumer.subscribe({ topic, fromBeginning: true });

  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages) {
        const offset = Number(m.offset);
        if (offset >= high.get(batch.partition)!) continue;
        out[batch.partition].push({ partition: batch.partition, offset, key: m.key, value: m.value, headers: m.headers ?? {} });
        if (offset === high.get(batch.partition)! - 1) remaining.delete(batch.partition);
      }
      if (remaining.size === 0) done();
    },
  });
  const timer = setTimeout(() => done(), timeoutMs);
  await finished;
  clearTimeout(timer);
  await consumer.disconnect();
  if (remaining.size > 0) throw new Error(`${topic}: could not read partitions ${[...remaining].join(', ')} to their end within ${timeoutMs} ms`);
  return out;
}
