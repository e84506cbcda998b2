/**
 * Synthetic market ticks whose log returns follow an AR(2) process with known noise:
 *
 *     x_t = phi1 x_{t-1} + phi2 x_{t-2} + sigma e_t,   e_t ~ N(0, 1) (SeededRandom.normal)
 *     price_t = price_{t-1} exp(x_t),  price_0 = 100
 *
 * so the best possible forecast of the next log return has MSE sigma^2. Volumes are uniform
 * integers 1..1000 (no information); ticks are `stepMs` apart. Each key has its own draws.
 *
 *     npx tsx examples/data/gen-ar2.ts --out ar2.jsonl [--n 20000] [--keys 1] [--seed 7]
 */
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { SeededRandom } from '../../src/model/random.js';

/** Parameters of {@link ar2Ticks}. */
export interface Ar2Options {
  readonly seed: number;
  /** Ticks per key. */
  readonly n: number;
  readonly keys: number;
  readonly phi1: number;
  readonly phi2: number;
  readonly sigma: number;
  readonly startTs: number;
  readonly stepMs: number;
}

/** The parameters the docs' figures use. */
export const AR2_DEFAULTS: Ar2Options = { seed: 7, n: 20_000, keys: 1, phi1: 0.6, phi2: -0.3, sigma: 0.01, startTs: Date.UTC(2025, 0, 2), stepMs: 1000 };

/** JSONL lines of tick events, keys interleaved tick by tick (`AR2-0`, `AR2-1`, ...). */
export function ar2Ticks(opts: Partial<Ar2Options> = {}): string[] {
  const o = { ...AR2_DEFAULTS, ...opts };
  const rng = new SeededRandom(o.seed);
  const state = Array.from({ length: o.keys }, () => ({ x1: 0, x2: 0, price: 100 }));
  // Burn-in so the process starts near its stationary distribution.
  for (const s of state) for (let i = 0; i < 100; i++) [s.x1, s.x2] = [o.phi1 * s.x1 + o.phi2 * s.x2 + o.sigma * rng.normal(), s.x1];
  const lines: string[] = [];
  for (let t = 0; t < o.n; t++) {
    state.forEach((s, k) => {
      const x = o.phi1 * s.x1 + o.phi2 * s.x2 + o.sigma * rng.normal();
      [s.x1, s.x2] = [x, s.x1];
      s.price = t === 0 ? s.price : s.price * Math.exp(x);
      lines.push(JSON.stringify({ symbol: `AR2-${k}`, ts: o.startTs + t * o.stepMs, price: s.price, volume: 1 + rng.int(1000) }));
    });
  }
  return lines;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { out: { type: 'string' }, n: { type: 'string' }, keys: { type: 'string' }, seed: { type: 'string' } } });
  if (!values.out) throw new Error('--out <file> is required');
  const opts = { ...(values.n ? { n: Number(values.n) } : {}), ...(values.keys ? { keys: Number(values.keys) } : {}), ...(values.seed ? { seed: Number(values.seed) } : {}) };
  writeFileSync(values.out, ar2Ticks(opts).join('\n') + '\n');
}
