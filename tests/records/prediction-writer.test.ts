import { describe, expect, it } from 'vitest';
import { buildPrediction } from '../../src/records/prediction.js';
import type { ModelManifest } from '../../src/model/manifest.js';
import type { LoadedModel } from '../../src/model/load-model.js';
import { PredictionRecords } from '../../src/records/prediction-record.js';
import { PredictionWriter, writeNumber } from '../../src/records/prediction-writer.js';

/** A manifest with just what predictions read. */
function manifest(outputSize: number, output?: ModelManifest['output']): ModelManifest {
  return { name: 'm-1.x', outputSize, ...(output ? { output } : {}) } as unknown as ModelManifest;
}

/** Deterministic generator (xorshift32), so a failure can be replayed. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

const EDGE = [0, -0, 1, -1, 1e21, -1e21, 1e-7, 1e-45, -1.4e-45, 1.1754942e-38, 3.4028235e38, -3.4028235e38, 0.1, 123456789, 5e-324];

/** Finite float32 values: random bit patterns (every exponent, denormals included) and edge cases. */
function randomOut(size: number, next: () => number): Float32Array {
  const bits = new Uint32Array(size);
  const out = new Float32Array(bits.buffer);
  for (let i = 0; i < size; i++) {
    do bits[i] = Math.floor(next() * 2 ** 32);
    while (!Number.isFinite(out[i]));
    if (next() < 0.2) out[i] = EDGE[Math.floor(next() * EDGE.length)];
  }
  return out;
}

const KEYS = ['AAPL', 'SYM000', '', 'quote"back\\slash', 'say "hi"', 'back\\slash', 'del\u007f', 'tilde~', 'unit\u001fsep', 'tab\tnew\nline\u0001', 'ünïcödé-€-𝄞', '\u2028\u2029', 'lone\ud800'];

function sourceTail(topic: string, partition: number, offset: string): string {
  return `,"source":{"topic":${JSON.stringify(topic)},"partition":${partition},"offset":${JSON.stringify(offset)}}`;
}

const MANIFESTS: [string, ModelManifest][] = [
  ['no output section', manifest(1)],
  ['three raw outputs', manifest(3)],
  ['named, de-standardised', manifest(1, { names: ['next_logret'], mean: [1e-5], std: [0.0023], decode: 'identity' })],
  ['softmax over named classes', manifest(3, { names: ['down', 'flat', 'up'], decode: 'softmax' })],
  ['softmax, unnamed', manifest(4, { decode: 'softmax' })],
  ['integer-like, repeated and __proto__ names', manifest(5, { names: ['b', '10', '2', 'b', '__proto__'], std: [1e300, 1e300, 2, 3, 4], decode: 'identity' })],
  ['log-variance decoding', manifest(2, { names: ['var', 'var2'], mean: [1e-6, 0], std: [2e-4, 1], decode: 'log_variance' })],
  ['huge std overflows to a non-finite decoded value', manifest(2, { names: ['x', 'y'], std: [1e308, 1e308], decode: 'identity' })],
];

describe('PredictionWriter', () => {
  for (const [what, m] of MANIFESTS) {
    it(`writes JSON.stringify's bytes for random outputs (${what})`, () => {
      const writer = new PredictionWriter(m, 'abc123');
      const next = rng(7 + m.outputSize);
      for (let n = 0; n < 2000; n++) {
        const key = KEYS[n % KEYS.length];
        const ts = n % 7 === 0 ? 0 : n % 13 === 0 ? -Math.floor(next() * 8.64e15) : n % 17 === 0 ? next() * 8.64e12 : Math.floor(next() * 8.64e15);
        const step = n % 11 === 0 ? Number.MAX_SAFE_INTEGER : 1 + Math.floor(next() * 1e9);
        const out = randomOut(m.outputSize, next);
        const source = { topic: 'ticks.in-1', partition: n % 4, offset: String(Math.floor(next() * 1e15)) };
        const expected = JSON.stringify(buildPrediction(m, 'abc123', { key, ts }, step, out, source));
        const text = writer.write(key, ts, step, out, sourceTail(source.topic, source.partition, source.offset));
        expect(text).toBe(expected);
        // Independent of JSON.stringify: the text parses back to the values it was given.
        const parsed = JSON.parse(text) as { key: string; ts: number; step: number; output: number[] };
        expect(parsed.key).toBe(key);
        expect(parsed.ts).toBe(ts);
        expect(parsed.step).toBe(step);
        expect(parsed.output).toEqual(Array.from(out, (v) => (Object.is(v, -0) ? 0 : v)));
      }
    });
  }

  it('writes the backtest tail (line number) where the stream writes the source', () => {
    const m = manifest(1, { names: ['next_logret'], decode: 'identity' });
    const out = Float32Array.of(0.09037065505981445);
    const text = new PredictionWriter(m, 'v1').write('SYM002', 1735689600000, 1, out, ',"line":1');
    expect(text).toBe('{"key":"SYM002","ts":1735689600000,"model":"m-1.x","modelVersion":"v1","step":1,"output":[0.09037065505981445],"decoded":{"next_logret":0.09037065505981445},"line":1}');
    expect(text).toBe(JSON.stringify({ ...buildPrediction(m, 'v1', { key: 'SYM002', ts: 1735689600000 }, 1, out), line: 1 }));
  });
});

describe('PredictionRecords (bytes written straight into the batch buffer)', () => {
  for (const [what, m] of MANIFESTS) {
    it(`gives each record the UTF-8 of JSON.stringify(prediction) (${what})`, () => {
      const records = new PredictionRecords({ manifest: m, version: 'abc123' } as unknown as LoadedModel, 'none');
      const next = rng(11 + m.outputSize);
      const values: Buffer[] = [];
      const expected: string[] = [];
      for (let batch = 0; batch < 20; batch++) {
        const topic = batch % 2 === 0 ? 'ticks.in-1' : 'tïcks "quoted"';
        // A batch announced smaller than it is, so the buffer runs out and is replaced mid-batch.
        records.begin(topic, batch % 4, 3);
        for (let n = 0; n < 100; n++) {
          const key = KEYS[(batch + n) % KEYS.length] + (n % 5 === 0 ? 'x'.repeat(300) : '');
          const ts = n % 7 === 0 ? 0 : n % 13 === 0 ? -Math.floor(next() * 8.64e15) : n % 17 === 0 ? next() * 8.64e12 : Math.floor(next() * 8.64e15);
          const step = n % 11 === 0 ? Number.MAX_SAFE_INTEGER : 1 + Math.floor(next() * 1e9);
          const out = randomOut(m.outputSize, next);
          const offset = String(Math.floor(next() * 1e15));
          const message = records.record({ key, ts }, step, out, offset);
          expect(message.key).toBe(key);
          values.push(message.value as Buffer);
          expected.push(JSON.stringify(buildPrediction(m, 'abc123', { key, ts }, step, out, { topic, partition: batch % 4, offset })));
        }
      }
      // Checked after every batch was written: no later record overwrote an earlier one.
      values.forEach((value, i) => expect(value.toString('utf8'), `record ${i}`).toBe(expected[i]));
      values.forEach((value, i) => expect(value.equals(Buffer.from(expected[i], 'utf8')), `bytes of record ${i}`).toBe(true));
    });
  }
});

describe('writeNumber (numbers written without a string where they are safe integers)', () => {
  const written = (x: number): string => {
    const target = Buffer.alloc(40);
    return target.toString('latin1', 0, writeNumber(target, 0, x));
  };

  it('writes what JSON.stringify writes for integers of every length, signs and -0', () => {
    const values = [0, -0, 1, -1, 9, 10, 11, 99, 100, 101, 999_999, 1_000_000, 1_764_167_400_123, -1_764_167_400_123, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER];
    for (let p = 1; p <= 2 ** 53; p *= 10) values.push(p - 1, p, p + 1, -p);
    const next = rng(5);
    for (let i = 0; i < 20_000; i++) values.push(Math.floor(next() * 2 ** Math.floor(next() * 54)) * (next() < 0.3 ? -1 : 1));
    for (const x of values) expect(written(x), String(x)).toBe(JSON.stringify(x));
  });

  it('writes what JSON.stringify writes for numbers that are not safe integers', () => {
    const values = [0.5, -0.5, 1e21, 2 ** 53, -(2 ** 53), 2 ** 60, 1764167400123.25, 1e-7, 5e-324, 1.7976931348623157e308, NaN, Infinity, -Infinity];
    for (const x of values) expect(written(x), String(x)).toBe(JSON.stringify(x));
  });
});
