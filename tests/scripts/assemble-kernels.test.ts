import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { kernelModuleSource, kernelSources } from '../../scripts/assemble-kernels.js';

describe('committed WebAssembly kernels', () => {
  it('finds the kernel sources', () => {
    expect(kernelSources().map((k) => k.dir + k.wat)).toEqual(['src/model/kernels/affine.wat', 'src/train/kernels/cell-kernels.wat', 'src/train/kernels/matrix-kernels.wat']);
  });

  for (const source of kernelSources()) {
    it(`${source.dir}${source.ts} holds the bytes that ${source.wat} assembles to (run \`npm run kernels\` after editing the .wat)`, async () => {
      const committed = readFileSync(new URL(`../../${source.dir}${source.ts}`, import.meta.url), 'utf8');
      expect(committed).toBe(await kernelModuleSource(source));
    });
  }
});
