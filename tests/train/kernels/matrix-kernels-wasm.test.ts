import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { kernelModuleSource } from '../../../scripts/assemble-kernels.js';

describe('matrix-kernels-wasm.ts', () => {
  it('holds the bytes that matrix-kernels.wat assembles to (run `npm run kernels` after editing the .wat)', async () => {
    const committed = readFileSync(new URL('../../../src/train/kernels/matrix-kernels-wasm.ts', import.meta.url), 'utf8');
    expect(committed).toBe(await kernelModuleSource());
  });
});
