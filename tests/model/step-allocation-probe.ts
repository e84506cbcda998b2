/**
 * Measures what one million Stepper.step calls allocate on the V8 heap; run in a fresh process
 * by zero-allocation.test.ts (it needs `--expose-gc`):
 *
 *     node --expose-gc --max-semi-space-size=1 --import tsx tests/model/step-allocation-probe.ts gru [allocating]
 *
 * Prints one JSON line: {cell, steps, gcDuringLoop, heapGrowthBytes, checksum}.
 *
 * Why this is a proof of zero allocation: after warm-up (so the step code is optimised) and two
 * forced full GCs, the loop runs with a 1 MB young generation. Any allocation of k >= 8 bytes per
 * step puts k MB through it, so either a scavenge runs during the loop (counted through the
 * PerformanceObserver 'gc' entries timed inside the loop) or, if none ran, the heap's used size
 * grows by about k MB. Zero GCs and a growth far below one byte per step mean nothing is
 * allocated per step. The `allocating` mode wraps the stepper with one small copy per step, to
 * show the probe notices it.
 */
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { CELL_KINDS, type CellKind } from '../../src/model/cell-kind.js';
import { initParams } from '../../src/model/init-params.js';
import { SeededRandom } from '../../src/model/random.js';
import { RnnModel, type Stepper } from '../../src/model/rnn-model.js';

const STEPS = 1_000_000;
const WARMUP = 100_000;
const INPUTS = 64;

const cell = process.argv[2] as CellKind;
if (!CELL_KINDS.includes(cell)) throw new Error(`usage: step-allocation-probe.ts <${CELL_KINDS.join('|')}> [allocating]`);
const allocating = process.argv[3] === 'allocating';
const gc = globalThis.gc;
if (!gc) throw new Error('run node with --expose-gc');

const spec = { cell, inputSize: 3, hiddenSize: 8, numLayers: 2, outputSize: 2 };
const rng = new SeededRandom(7);
const model = new RnnModel(spec, initParams(spec, rng));
const inputs = new Float32Array(INPUTS * spec.inputSize);
for (let i = 0; i < inputs.length; i++) inputs[i] = rng.normal();

const inner = model.newStepper();
let kept: Float32Array = new Float32Array(0);
const stepper: Stepper = allocating
  ? {
      step(state, x, out) {
        inner.step(state, x, out);
        kept = out.slice();
      },
    }
  : inner;

const state = model.newState();
const x = new Float32Array(spec.inputSize);
const out = new Float32Array(spec.outputSize);

function run(steps: number): number {
  let checksum = 0;
  for (let i = 0; i < steps; i++) {
    const base = (i % INPUTS) * spec.inputSize;
    for (let k = 0; k < spec.inputSize; k++) x[k] = inputs[base + k];
    stepper.step(state, x, out);
    checksum += out[0];
  }
  return checksum;
}

run(WARMUP);
run(WARMUP);
gc();
gc();

const gcTimes: number[] = [];
const observer = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcTimes.push(entry.startTime);
});
observer.observe({ entryTypes: ['gc'] });

const before = getHeapStatistics().used_heap_size;
const t0 = performance.now();
const checksum = run(STEPS);
const t1 = performance.now();
const after = getHeapStatistics().used_heap_size;

// GC entries are delivered asynchronously: let the observer run before counting.
await new Promise((resolve) => setTimeout(resolve, 50));
observer.disconnect();
const gcDuringLoop = gcTimes.filter((t) => t >= t0 && t <= t1).length;
console.log(JSON.stringify({ cell, allocating, steps: STEPS, gcDuringLoop, heapGrowthBytes: after - before, checksum, kept: kept.length }));
