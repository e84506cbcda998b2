/**
 * Peak memory of a kafkajs consumer that meets a gzip bomb: one record batch of `--records`
 * records of 1 MiB of zeros (720 MiB once decompressed, some 700 KB on the wire), followed by one
 * small record. Two contenders, each in its own child process (peak RSS is per process), in
 * alternating order over rounds:
 *   - builtin: kafkajs' own GZIP codec (inflates whatever arrives);
 *   - bounded: the project's codec (src/kafka/bounded-gzip-codec.ts) at `--limit` bytes; the
 *     batch becomes one stand-in record (patches/kafkajs+2.2.4.patch), which is skipped.
 * Each child consumes from the beginning until the small record arrives and prints its peak RSS,
 * RSS after a GC at the end, CPU seconds, and what it saw.
 *
 *   KAFKA_BROKERS=127.0.0.1:19092 npx tsx bench/hostile-gzip.ts [--records 720] [--limit 67108864] [--rounds 2]
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { CompressionTypes, Kafka, logLevel } from 'kafkajs';
import { boundedGzipCodec } from '../src/kafka/bounded-gzip-codec.js';
import { registerGzipCodec } from '../src/kafka/kafkajs-codecs.js';
import { streamMessages } from '../src/kafka/stream-messages.js';
import { createTopicsReady } from '../src/kafka/create-topics-ready.js';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '720' },
    limit: { type: 'string', default: String(64 << 20) },
    rounds: { type: 'string', default: '2' },
    child: { type: 'string' },
    topic: { type: 'string' },
  },
});
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const kafka = new Kafka({ clientId: 'rnn-stream-bench-hostile', brokers, logLevel: logLevel.NOTHING });

interface ChildResult {
  readonly contender: string;
  readonly peakRssMiB: number;
  readonly endRssMiB: number;
  readonly cpuSeconds: number;
  readonly messages: number;
  readonly skippedBatches: number;
}

async function produceBomb(topic: string): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  const zeros = Buffer.alloc(1 << 20);
  await producer.send({ topic, compression: CompressionTypes.GZIP, messages: Array.from({ length: Number(values.records) }, () => ({ value: zeros })) });
  await producer.send({ topic, messages: [{ value: 'end' }] });
  await producer.disconnect();
}

async function child(contender: string, topic: string): Promise<void> {
  if (contender === 'bounded') {
    registerGzipCodec(boundedGzipCodec(Number(values.limit)));
  }
  const cpu = process.cpuUsage();
  const consumer = kafka.consumer({ groupId: `${topic}-${contender}-${process.pid}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let messages = 0;
  let skippedBatches = 0;
  let resolveEnd!: () => void;
  const end = new Promise<void>((r) => (resolveEnd = r));
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const m of streamMessages(batch.messages)) {
        if (m.unreadableBatch !== undefined) skippedBatches++;
        else messages++;
        if (m.value !== null && m.value.toString() === 'end') resolveEnd();
      }
    },
  });
  await end;
  await consumer.disconnect();
  const used = process.cpuUsage(cpu);
  (globalThis as { gc?: () => void }).gc?.();
  const result: ChildResult = {
    contender,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    endRssMiB: process.memoryUsage().rss / 2 ** 20,
    cpuSeconds: (used.user + used.system) / 1e6,
    messages,
    skippedBatches,
  };
  console.log(JSON.stringify(result));
}

async function parent(): Promise<void> {
  const topic = `bench-hostile-gzip-${Date.now()}`;
  const admin = kafka.admin();
  await admin.connect();
  await createTopicsReady(admin, [{ topic, numPartitions: 1 }]);
  // Produced by a child: Linux keeps a process's peak RSS across fork and exec, so the 720 MiB
  // the producer needs would show up as every later child's peak.
  execFileSync(process.execPath, ['--import', 'tsx', 'bench/hostile-gzip.ts', '--child', 'produce', '--topic', topic, '--records', values.records], { env: process.env });
  const records = Number(values.records);
  const [{ high }] = await admin.fetchTopicOffsets(topic);
  console.log(`gzip bomb: ${records} records of 1 MiB of zeros in one batch (${records} MiB decompressed), then 1 small record; topic high watermark ${high}`);
  console.log(`bounded limit: ${Number(values.limit) / 2 ** 20} MiB; peak RSS per child process (getrusage maxrss)`);
  const results: ChildResult[] = [];
  for (let round = 0; round < Number(values.rounds); round++) {
    const order = round % 2 === 0 ? ['builtin', 'bounded'] : ['bounded', 'builtin'];
    for (const contender of order) {
      const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/hostile-gzip.ts', '--child', contender, '--topic', topic, '--limit', values.limit], {
        env: process.env,
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      });
      const r = JSON.parse(out.trim().split('\n').pop()!) as ChildResult;
      results.push(r);
      console.log(`round ${round + 1} ${r.contender.padEnd(7)} peak RSS ${r.peakRssMiB.toFixed(0)} MiB, after GC ${r.endRssMiB.toFixed(0)} MiB, CPU ${r.cpuSeconds.toFixed(2)} s, messages ${r.messages}, skipped batches ${r.skippedBatches}`);
    }
  }
  await admin.deleteTopics({ topics: [topic] });
  await admin.disconnect();
  const range = (c: string, f: (r: ChildResult) => number): string => {
    const xs = results.filter((r) => r.contender === c).map(f);
    return `${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)}`;
  };
  const peak = (c: string): number => Math.min(...results.filter((r) => r.contender === c).map((r) => r.peakRssMiB));
  console.log(`peak RSS MiB: builtin ${range('builtin', (r) => r.peakRssMiB)}, bounded ${range('bounded', (r) => r.peakRssMiB)}; builtin/bounded ${(peak('builtin') / peak('bounded')).toFixed(1)}x`);
}

if (values.child === 'produce') await produceBomb(values.topic!);
else if (values.child !== undefined) await child(values.child, values.topic!);
else await parent();
