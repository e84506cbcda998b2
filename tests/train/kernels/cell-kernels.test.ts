import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../src/model/random.js';
import { gruBackward } from '../../../src/train/cells/gru-backward.js';
import { gruForward } from '../../../src/train/cells/gru-forward.js';
import { lstmBackward } from '../../../src/train/cells/lstm-backward.js';
import { lstmForward } from '../../../src/train/cells/lstm-forward.js';
import { countDoubles, KernelMemory } from '../../../src/train/kernels/kernel-memory.js';
import { LayerCache } from '../../../src/train/layer-cache.js';

// The WebAssembly GRU and LSTM steps (cell-kernels.wat) against the equations written out here
// with the C library's Math.exp / Math.tanh: σ and tanh within a few units in the last place
// (the kernels' are their own), everything else bit for bit where no tanh enters (the GRU's
// backward step), else within 1e-13 relative. Odd hidden sizes exercise the single-lane tail;
// rows start past row 0 as in a packed window.
const rng = new SeededRandom(41);
const sigmoid = (a: number) => 1 / (1 + Math.exp(-a));

/** A layer cache of `rows` rows and a step's gh / dh buffers in one kernel memory, filled with normal draws × scale. */
function setup(H: number, rows: number, nb: number, scale: number) {
  const mem = new KernelMemory();
  const cache = new LayerCache('gru', H);
  const layout = (take: (n: number) => Float64Array<ArrayBuffer>) => {
    cache.layOut(rows, take);
    return { gh: take(nb * 3 * H), dh: take(nb * H) };
  };
  mem.reset(countDoubles(layout));
  const { gh, dh } = layout((n) => mem.take(n));
  for (const a of [cache.gi, cache.hPrev, cache.dhIn, gh, dh]) for (let i = 0; i < a.length; i++) a[i] = scale * rng.normal();
  return { mem, cache, gh, dh };
}

/** |a - b| within `ulps` units in the last place of b, or within 2^-1020 (~9e-308) absolute. */
function expectUlps(a: number, b: number, ulps: number, what: string): void {
  const ulp = Math.max(Math.abs(b) * 2 ** -52, 2 ** -1022);
  expect(Math.abs(a - b), `${what}: ${a} vs ${b}`).toBeLessThanOrEqual(ulps * ulp);
}

describe('WebAssembly GRU and LSTM steps', () => {
  for (const H of [1, 2, 5, 8, 13]) {
    for (const scale of [1e-9, 0.5, 4, 800]) {
      it(`gruForward matches σ / tanh by Math.exp / Math.tanh within 4 ulp or 1e-307 (hidden ${H}, inputs ~${scale})`, () => {
        const [r0, nb] = [2, 3];
        const { mem, cache, gh } = setup(H, r0 + nb + 1, nb, scale);
        const { gi, hPrev, gates, hn, h } = cache;
        const untouched = h[(r0 + nb) * H];
        gruForward(mem, cache, r0, nb, gh);
        for (let i = 0; i < nb; i++) {
          for (let j = 0; j < H; j++) {
            const g = 3 * (r0 + i) * H;
            const q = 3 * i * H;
            const r = sigmoid(gi[g + j] + gh[q + j]);
            const z = sigmoid(gi[g + H + j] + gh[q + H + j]);
            const n = Math.tanh(gi[g + 2 * H + j] + gates[g + j] * gh[q + 2 * H + j]);
            expectUlps(gates[g + j], r, 4, 'r');
            expectUlps(gates[g + H + j], z, 4, 'z');
            expectUlps(gates[g + 2 * H + j], n, 4, 'n');
            expect(hn[(r0 + i) * H + j]).toBe(gh[q + 2 * H + j]);
            const gz = gates[g + H + j];
            expect(h[(r0 + i) * H + j]).toBe((1 - gz) * gates[g + 2 * H + j] + gz * hPrev[(r0 + i) * H + j]);
          }
        }
        expect(h[(r0 + nb) * H]).toBe(untouched);
      });
    }
  }

  it('gruForward saturates at extreme pre-activations and passes NaN through', () => {
    const { mem, cache, gh } = setup(4, 1, 1, 0);
    cache.gi.set([1e6, -1e6, -800, 800, 0, 0, 0, 0, 1e6, -1e6, 0, NaN]);
    gh.fill(0);
    cache.hPrev.set([1, 1, 1, 1]);
    gruForward(mem, cache, 0, 1, gh);
    expect([...cache.gates.subarray(0, 4)].map((v) => Math.round(v))).toEqual([1, 0, 0, 1]);
    expect(cache.gates[0]).toBe(1);
    expect(cache.gates[1]).toBe(0);
    expect(cache.gates[2]).toBeLessThan(1e-300);
    expect([...cache.gates.subarray(8, 11)]).toEqual([1, -1, 0]);
    expect(cache.gates[11]).toBeNaN();
    expect(cache.h[3]).toBeNaN();
  });

  for (const H of [1, 2, 7, 8]) {
    it(`gruBackward equals the step's arithmetic bit for bit (hidden ${H})`, () => {
      const [r0, nb] = [1, 3];
      const { mem, cache, dh } = setup(H, r0 + nb, nb, 1);
      const { gates, hn, hPrev, dhIn, dGi, dGh } = cache;
      for (let i = 0; i < gates.length; i++) gates[i] = rng.next();
      for (let i = 0; i < hn.length; i++) hn[i] = rng.normal();
      const dhBefore = dh.slice();
      gruBackward(mem, cache, r0, nb, dh);
      for (let i = 0; i < nb; i++) {
        const off = (r0 + i) * H;
        for (let j = 0; j < H; j++) {
          const [r, z, n] = [gates[3 * off + j], gates[3 * off + H + j], gates[3 * off + 2 * H + j]];
          const d = dhBefore[i * H + j] + dhIn[off + j];
          const dan = d * (1 - z) * (1 - n * n);
          const daz = d * (hPrev[off + j] - n) * z * (1 - z);
          const dar = dan * hn[off + j] * r * (1 - r);
          expect([dGi[3 * off + j], dGi[3 * off + H + j], dGi[3 * off + 2 * H + j]]).toEqual([dar, daz, dan]);
          expect([dGh[3 * off + j], dGh[3 * off + H + j], dGh[3 * off + 2 * H + j]]).toEqual([dar, daz, dan * r]);
          expect(dh[i * H + j]).toBe(d * z);
        }
      }
    });
  }

  for (const H of [1, 2, 5, 8]) {
    for (const scale of [1e-9, 0.5, 4]) {
      it(`lstmForward matches σ / tanh by Math.exp / Math.tanh within 4 ulp (hidden ${H}, inputs ~${scale})`, () => {
        const [r0, nb] = [1, 3];
        const mem = new KernelMemory();
        const cache = new LayerCache('lstm', H);
        const layout = (take: (n: number) => Float64Array<ArrayBuffer>) => {
          cache.layOut(r0 + nb + 1, take);
          return take(nb * 4 * H);
        };
        mem.reset(countDoubles(layout));
        const gh = layout((n) => mem.take(n));
        for (const a of [cache.gi, cache.cPrev, gh]) for (let i = 0; i < a.length; i++) a[i] = scale * rng.normal();
        const { gi, gates, cPrev, c, h } = cache;
        const untouched = c[(r0 + nb) * H];
        lstmForward(mem, cache, r0, nb, gh);
        for (let row = 0; row < nb; row++) {
          const off = (r0 + row) * H;
          for (let j = 0; j < H; j++) {
            const pre = (k: number) => gi[4 * off + k * H + j] + gh[4 * row * H + k * H + j];
            const [i, f, g, o] = [0, 1, 2, 3].map((k) => gates[4 * off + k * H + j]);
            expectUlps(i, sigmoid(pre(0)), 4, 'i');
            expectUlps(f, sigmoid(pre(1)), 4, 'f');
            expectUlps(g, Math.tanh(pre(2)), 4, 'g');
            expectUlps(o, sigmoid(pre(3)), 4, 'o');
            expect(c[off + j]).toBe(f * cPrev[off + j] + i * g);
            expectUlps(h[off + j], o * Math.tanh(c[off + j]), 5, 'h');
          }
        }
        expect(c[(r0 + nb) * H]).toBe(untouched);
      });
    }
  }

  for (const H of [1, 2, 7, 8]) {
    it(`lstmBackward matches the step's arithmetic within 1e-13 (hidden ${H})`, () => {
      const [r0, nb] = [2, 3];
      const mem = new KernelMemory();
      const cache = new LayerCache('lstm', H);
      const layout = (take: (n: number) => Float64Array<ArrayBuffer>) => {
        cache.layOut(r0 + nb, take);
        return { dh: take(nb * H), dc: take(nb * H) };
      };
      mem.reset(countDoubles(layout));
      const { dh, dc } = layout((n) => mem.take(n));
      const { gates, cPrev, c, dhIn, dGi: da } = cache;
      for (let i = 0; i < gates.length; i++) gates[i] = rng.next();
      for (const a of [cPrev, c, dhIn, dh, dc]) for (let i = 0; i < a.length; i++) a[i] = rng.normal();
      const [dhBefore, dcBefore] = [dh.slice(), dc.slice()];
      lstmBackward(mem, cache, r0, nb, dh, dc);
      const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-13 * (1 + Math.abs(b)));
      for (let row = 0; row < nb; row++) {
        const off = (r0 + row) * H;
        for (let j = 0; j < H; j++) {
          const [i, f, g, o] = [0, 1, 2, 3].map((k) => gates[4 * off + k * H + j]);
          const tc = Math.tanh(c[off + j]);
          const d = dhBefore[row * H + j] + dhIn[off + j];
          const dcT = dcBefore[row * H + j] + d * o * (1 - tc * tc);
          close(da[4 * off + j], dcT * g * i * (1 - i));
          close(da[4 * off + H + j], dcT * cPrev[off + j] * f * (1 - f));
          close(da[4 * off + 2 * H + j], dcT * i * (1 - g * g));
          close(da[4 * off + 3 * H + j], d * tc * o * (1 - o));
          close(dc[row * H + j], dcT * f);
          expect(dh[row * H + j]).toBe(0);
        }
      }
    });
  }
});
