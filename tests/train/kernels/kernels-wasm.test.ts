import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { kernelModuleSource, kernelSources } from '../../../scripts/assemble-kernels.js';

describe('committed WebAssembly kernels', () => {
  it('finds the kernel sources', () => {
    expect(kernelSources().map((k) => k.wat)).toEqual(['gru-kernels.wat', 'matrix-kernels.wat']);
  });

  for (const { wat, ts } of kernelSources()) {
    it(`${ts} holds the bytes that ${wat} assembles to (run \`npm run kernels\` after editing the .wat)`, async () => {
      const committed = readFileSync(new URL(`../../../src/train/kernels/${ts}`, import.meta.url), 'utf8');
      expect(committed).toBe(await kernelModuleSource(wat));
    });
  }
});
