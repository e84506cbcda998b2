/**
 * The hot path allocates nothing per event: a million Stepper.step calls per cell kind run
 * without a single garbage collection and without heap growth. Measured in a fresh Node process
 * (step-allocation-probe.ts explains the method) because it needs `--expose-gc` and a small young
 * generation, and because a test worker's own activity would blur the numbers.
 */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const probe = join(here, 'step-allocation-probe.ts');
// 256 KiB over 1e6 steps is a quarter of a byte per step; the smallest V8 object is 8 bytes.
const MAX_GROWTH_BYTES = 256 * 1024;
const TIMEOUT_MS = 240_000;

interface ProbeResult {
  cell: string;
  allocating: boolean;
  steps: number;
  gcDuringLoop: number;
  heapGrowthBytes: number;
  checksum: number;
}

async function measure(cell: string, allocating = false): Promise<ProbeResult> {
  const args = ['--expose-gc', '--max-semi-space-size=1', '--import', 'tsx', probe, cell];
  if (allocating) args.push('allocating');
  const { stdout } = await run(process.execPath, args, { cwd: root, timeout: TIMEOUT_MS });
  return JSON.parse(stdout.trim().split('\n').pop()!) as ProbeResult;
}

describe('Stepper.step allocation', () => {
  it.each(['rnn_tanh', 'rnn_relu', 'gru', 'lstm'])(
    '%s: one million steps trigger no GC and grow the heap by under a byte per step',
    async (cell) => {
      const r = await measure(cell);
      expect(r.cell).toBe(cell);
      expect(r.steps).toBe(1_000_000);
      expect(Number.isFinite(r.checksum)).toBe(true);
      expect(r.gcDuringLoop).toBe(0);
      expect(r.heapGrowthBytes).toBeLessThan(MAX_GROWTH_BYTES);
    },
    TIMEOUT_MS,
  );

  it(
    'notices a stepper that allocates one small array per step',
    async () => {
      const r = await measure('gru', true);
      expect(r.allocating).toBe(true);
      expect(r.gcDuringLoop).toBeGreaterThan(0);
    },
    TIMEOUT_MS,
  );
});
