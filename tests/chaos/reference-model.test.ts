import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ReferenceModel } from '../../chaos/reference/reference-model.js';

const DIR = new URL('../fixtures/parity/', import.meta.url).pathname;

/** PyTorch's float64 run of each parity case (tests/fixtures/parity/generate.py). */
interface ParityIo {
  readonly inputs: number[][];
  readonly outputs_f64: number[][];
  readonly h_n_f64: number[][];
  readonly c_n_f64: number[][] | null;
}

const cases = readdirSync(DIR).filter((f) => f.endsWith('.io.json')).map((f) => f.replace('.io.json', ''));

describe('the chaos verifier reference model (float64) against PyTorch', () => {
  it('has every parity case to check', () => {
    expect(cases.length).toBeGreaterThanOrEqual(26);
  });

  it.each(cases)('%s: outputs and final h/c equal PyTorch float64 to 1e-9', (name) => {
    const io = JSON.parse(readFileSync(`${DIR}${name}.io.json`, 'utf8')) as ParityIo;
    const model = new ReferenceModel(`${DIR}${name}.json`);
    const state = model.initialState();
    let worst = 0;
    io.inputs.forEach((x, t) => {
      const out = model.step({ ts: t, features: x }, state);
      out.forEach((v, o) => (worst = Math.max(worst, Math.abs(v - io.outputs_f64[t][o]))));
    });
    io.h_n_f64.forEach((h, l) => h.forEach((v, j) => (worst = Math.max(worst, Math.abs(state.h[l][j] - v)))));
    io.c_n_f64?.forEach((c, l) => c.forEach((v, j) => (worst = Math.max(worst, Math.abs(state.c![l][j] - v)))));
    expect(worst).toBeLessThan(1e-9);
  });
});
