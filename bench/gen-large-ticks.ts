/**
 * Writes a large JSONL file of market ticks for the memory measurement of `train` on big files
 * (docs/benchmarks.md): `--keys` symbols, each a random walk of log returns with sigma 0.001,
 * one tick per key per second, keys interleaved, until the file reaches `--mb` megabytes.
 * Streams its output (never holds the file).
 *
 *     npx tsx bench/gen-large-ticks.ts --out big.jsonl [--mb 1024] [--keys 200] [--seed 5]
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { SeededRandom } from '../src/model/random.js';

const { values } = parseArgs({ options: { out: { type: 'string' }, mb: { type: 'string', default: '1024' }, keys: { type: 'string', default: '200' }, seed: { type: 'string', default: '5' } } });
if (!values.out) throw new Error('--out is required');
const limit = Number(values.mb) * 1024 * 1024;
const keys = Number(values.keys);
const rng = new SeededRandom(Number(values.seed));
const prices = new Float64Array(keys).fill(100);
const out = createWriteStream(values.out);
let bytes = 0;
let lines = 0;
const t0 = Date.UTC(2025, 0, 2);
for (let step = 0; bytes < limit; step++) {
  let chunk = '';
  for (let k = 0; k < keys; k++) {
    prices[k] *= Math.exp(0.001 * rng.normal());
    chunk += `{"symbol":"S${String(k).padStart(4, '0')}","ts":${t0 + step * 1000},"price":${prices[k].toFixed(4)},"volume":${1 + Math.floor(rng.next() * 1000)}}\n`;
    lines++;
  }
  bytes += chunk.length;
  if (!out.write(chunk)) await once(out, 'drain');
}
out.end();
await once(out, 'finish');
process.stderr.write(`${values.out}: ${lines} ticks, ${bytes} bytes\n`);
