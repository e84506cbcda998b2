/**
 * Record-header decoding cost of kafkajs: the decoder as installed (with patches/kafkajs+2.2.4.patch
 * applied by `npm ci`) against kafkajs 2.2.4's decoder as published (its header reduce, quoted in
 * bench/kafkajs-published-record-decoder.ts), on one record of N headers. Contenders alternate
 * over rounds in one process; CPU time (user + system) of each decode is printed, with ranges and
 * the published/installed ratio.
 *
 *   npx tsx bench/hostile-headers.ts [--counts 1000,4000,10000] [--rounds 3] [--repeated]
 *
 * `--repeated` gives every header the same key (kafkajs then concatenates arrays) instead of
 * distinct keys. The published decoder at 10k headers takes tens of seconds per decode.
 */
import { parseArgs } from 'node:util';
import { encodeRecord, installedRecordDecoder, recordDecoder } from './kafkajs-internals.js';
import { publishedRecordDecoder } from './kafkajs-published-record-decoder.js';

const { values } = parseArgs({
  options: {
    counts: { type: 'string', default: '1000,4000,10000' },
    rounds: { type: 'string', default: '3' },
    repeated: { type: 'boolean', default: false },
  },
});
const counts = values.counts.split(',').map(Number);
const rounds = Number(values.rounds);

function headersOf(count: number, repeated: boolean): Record<string, Buffer | Buffer[]> {
  if (repeated) return { h: Array.from({ length: count }, (_, i) => Buffer.from([i & 0xff])) };
  const headers: Record<string, Buffer> = {};
  for (let i = 0; i < count; i++) headers[`h${i}`] = Buffer.from([i & 0xff]);
  return headers;
}

function cpuSecondsOf(work: () => unknown): { seconds: number; result: unknown } {
  const before = process.cpuUsage();
  const result = work();
  const used = process.cpuUsage(before);
  return { seconds: (used.user + used.system) / 1e6, result };
}

function headerCount(record: unknown): number {
  const headers = (record as { headers: Record<string, unknown> }).headers;
  let n = 0;
  for (const v of Object.values(headers)) n += Array.isArray(v) ? v.length : 1;
  return n;
}

const range = (xs: number[]): string => `${Math.min(...xs).toFixed(3)}-${Math.max(...xs).toFixed(3)}`;

console.log(`kafkajs record-header decode, CPU seconds per record (${values.repeated ? 'one repeated key' : 'distinct keys'}, ${rounds} rounds)`);
console.log('headers  record bytes  installed (range)  published (range)  published/installed');
for (const count of counts) {
  const bytes = encodeRecord({ key: Buffer.from('k'), value: Buffer.from('{}'), headers: headersOf(count, values.repeated) });
  const installed: number[] = [];
  const published: number[] = [];
  for (let round = 0; round < rounds; round++) {
    // Alternate which contender goes first, so neither always runs on a warmer machine.
    const order = round % 2 === 0 ? (['installed', 'published'] as const) : (['published', 'installed'] as const);
    for (const who of order) {
      const decode = who === 'installed' ? installedRecordDecoder : publishedRecordDecoder;
      const { seconds, result } = cpuSecondsOf(() => recordDecoder(bytes, decode));
      if (headerCount(result) !== count) throw new Error(`${who} decoded ${headerCount(result)} headers, expected ${count}`);
      (who === 'installed' ? installed : published).push(seconds);
    }
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(
    `${String(count).padStart(7)}  ${String(bytes.length).padStart(12)}  ${range(installed).padStart(17)}  ${range(published).padStart(17)}  ${(median(published) / median(installed)).toFixed(0).padStart(19)}x`,
  );
}
