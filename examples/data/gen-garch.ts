/**
 * Synthetic market ticks whose log returns follow a GARCH(1,1) process (volatility clustering):
 *
 *     r_t = sigma_t e_t,   e_t ~ N(0, 1) (SeededRandom.normal)
 *     sigma_t^2 = omega + alpha r_{t-1}^2 + beta sigma_{t-1}^2
 *     price_t = price_{t-1} exp(r_t),  price_0 = 100
 *
 * Defaults omega 1e-6, alpha 0.1, beta 0.85 (unconditional variance omega / (1 - alpha - beta)
 * = 2e-5, i.e. 0.45% per tick). Volumes are uniform integers 1..1000 (no information).
 *
 *     npx tsx examples/data/gen-garch.ts --out garch.jsonl [--n 20000] [--keys 1] [--seed 11]
 */
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { SeededRandom } from '../../src/model/random.js';

/** Parameters of {@link garchTicks}. */
export interface GarchOptions {
  readonly seed: number;
  /** Ticks per key. */
  readonly n: number;
  readonly keys: number;
  readonly omega: number;
  readonly alpha: number;
  readonly beta: number;
  readonly startTs: number;
  readonly stepMs: number;
}

/** The parameters the docs' figures use. */
export const GARCH_DEFAULTS: GarchOptions = { seed: 11, n: 20_000, keys: 1, omega: 1e-6, alpha: 0.1, beta: 0.85, startTs: Date.UTC(2025, 0, 2), stepMs: 1000 };

/** JSONL lines of tick events, keys interleaved tick by tick (`GARCH-0`, ...). */
export function garchTicks(opts: Partial<GarchOptions> = {}): string[] {
  const o = { ...GARCH_DEFAULTS, ...opts };
  const rng = new SeededRandom(o.seed);
  const longRun = o.omega / (1 - o.alpha - o.beta);
  const state = Array.from({ length: o.keys }, () => ({ r: 0, variance: longRun, price: 100 }));
  const step = (s: (typeof state)[number]) => {
    s.variance = o.omega + o.alpha * s.r * s.r + o.beta * s.variance;
    s.r = Math.sqrt(s.variance) * rng.normal();
  };
  // Burn-in so the process starts near its stationary distribution.
  for (const s of state) for (let i = 0; i < 500; i++) step(s);
  const lines: string[] = [];
  for (let t = 0; t < o.n; t++) {
    state.forEach((s, k) => {
      step(s);
      s.price = t === 0 ? s.price : s.price * Math.exp(s.r);
      lines.push(JSON.stringify({ symbol: `GARCH-${k}`, ts: o.startTs + t * o.stepMs, price: s.price, volume: 1 + rng.int(1000) }));
    });
  }
  return lines;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { out: { type: 'string' }, n: { type: 'string' }, keys: { type: 'string' }, seed: { type: 'string' } } });
  if (!values.out) throw new Error('--out <file> is required');
  const opts = { ...(values.n ? { n: Number(values.n) } : {}), ...(values.keys ? { keys: Number(values.keys) } : {}), ...(values.seed ? { seed: Number(values.seed) } : {}) };
  writeFileSync(values.out, garchTicks(opts).join('\n') + '\n');
}
