import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fitGarch11, garchLogLikelihood, garchVariances } from '../../src/train/garch11.js';

/** Fits and likelihoods from Python's `arch` 8.0 (tests/fixtures/garch/gen_garch_fixture.py). */
interface ArchFixture {
  cases: {
    name: string;
    returns: number[];
    fit: { omega: number; alpha: number; beta: number; logLikelihood: number };
    probe: { omega: number; alpha: number; beta: number; logLikelihood: number; variances: number[] };
  }[];
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/garch/arch-fits.json', import.meta.url), 'utf-8')) as ArchFixture;

describe.each(fixture.cases)('GARCH(1,1) against arch: $name', (c) => {
  const r = Float64Array.from(c.returns);

  it('gives arch\'s log-likelihood and conditional variances at fixed parameters', () => {
    expect(garchLogLikelihood([r], c.probe)).toBeCloseTo(c.probe.logLikelihood, 6);
    const v = garchVariances(r, c.probe, new Float64Array(r.length));
    c.probe.variances.forEach((expected, t) => expect(v[t] / expected).toBeCloseTo(1, 10));
    expect(garchLogLikelihood([r], c.fit)).toBeCloseTo(c.fit.logLikelihood, 6);
  });

  it('finds arch\'s maximum: a log-likelihood no lower (to 1e-4) and parameters close to arch\'s', () => {
    const fit = fitGarch11([r]);
    expect(fit.logLikelihood).toBeGreaterThan(c.fit.logLikelihood - 1e-4);
    expect(fit.logLikelihood - c.fit.logLikelihood).toBeLessThan(0.05);
    expect(fit.alpha).toBeCloseTo(c.fit.alpha, 2);
    expect(fit.beta).toBeCloseTo(c.fit.beta, 2);
    expect(fit.omega / c.fit.omega).toBeGreaterThan(0.8);
    expect(fit.omega / c.fit.omega).toBeLessThan(1.25);
    expect(fit.alpha + fit.beta).toBeLessThan(1);
  });
});

describe('fitGarch11 on several keys', () => {
  it('maximises the sum of the keys\' log-likelihoods with one parameter set', () => {
    const [a, b] = fixture.cases.map((c) => Float64Array.from(c.returns));
    const fit = fitGarch11([a, b]);
    const alone = fitGarch11([a]);
    expect(fit.logLikelihood).toBeCloseTo(garchLogLikelihood([a, b], fit), 9);
    // The joint optimum beats either key's own optimum on the pair.
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(garchLogLikelihood([a, b], alone) - 1e-6);
    expect(fit.observations).toBe(a.length + b.length);
  });
});
