/**
 * Cell step benchmark: `npm run bench:cell [-- --json] [-- --no-torch]`.
 *
 * For each cell kind (rnn_tanh, rnn_relu, gru, lstm) at hidden 16/32/64/128 (input 8, one layer,
 * output 1) it measures one rnn-stream step, Stepper.step (the cell plus the linear head; the
 * default stepper, WebAssembly affine maps, and the JavaScript-kernel stepper for comparison), on
 * weights from initParams with a fixed seed, the input cycling through 64 fixed random vectors:
 *
 * - time: ns per step over 11 runs of ~10 ms each, after 150 ms of warm-up (cell-measure.ts),
 *   both wall-clock (what a caller waits) and process CPU time (process.cpuUsage, which leaves
 *   out the time the OS gave to other processes: the fairer figure on a shared machine), medians.
 * - allocation: bytes of JS heap allocated per step over 5 000..200 000 steps (about ten runs'
 *   worth) once the timing has warmed the code up, counted exactly as (used heap after - used
 *   heap before) + bytes freed by every GC in between (v8.GCProfiler), after a forced full GC;
 *   the least of 5 counts (one-off JIT allocations drop out, a per-step one cannot), minus the
 *   same count over zero steps (the harness's own ~600 bytes). One 16-byte object per step
 *   would show as >= 16 bytes/step. Needs `global.gc`, so the script re-runs itself once under
 *   `node --expose-gc` with tsx's loader flags (process.execArgv) when gc is not exposed.
 *
 * When `python3 -c "import torch"` works, bench/cell-torch.py times PyTorch eager (RNNCell /
 * GRUCell / LSTMCell, batch 1, one thread, no_grad, float32) for the same sizes in the same
 * run, afterwards (not concurrently), both the cell alone and cell + Linear(hidden, 1); the
 * ratio is ours / PyTorch cell + head (the same computation), by CPU time, which both sides
 * measure the same way (process CPU time). Below 1 means we are faster.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CELL_KINDS, RnnModel, SeededRandom, initParams, type CellKind, type ModelSpec, type StepKernel } from '../src/model/index.js';
import { heapBytesAllocated, timeSteps, type StepLoop, type StepTiming } from './cell-measure.js';

const HIDDEN = [16, 32, 64, 128];
const INPUT = 8;
const RUNS = 11;
const RUN_MS = 10;
const WARMUP_MS = 150;
/** Steps of the allocation count: about ten timed runs' worth, within these bounds. */
const ALLOC_STEPS_MIN = 5_000;
const ALLOC_STEPS_MAX = 200_000;

const { values: opts } = parseArgs({ options: { json: { type: 'boolean' }, 'no-torch': { type: 'boolean' } } });

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  const child = spawnSync(process.execPath, ['--expose-gc', ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' });
  if (child.error) throw child.error;
  process.exit(child.status ?? 1);
}

/** One row of the result: our figures and, when measured, PyTorch's (ns per step). */
interface Row {
  cell: CellKind;
  hidden: number;
  ours: StepTiming;
  /** The same step with the JavaScript affine kernel (newStepper('js')), for the WebAssembly kernel's gain. */
  oursJs: StepTiming;
  bytesPerStep: number;
  allocSteps: number;
  torch?: TorchResult;
  /** ours.cpuNs / torch.stepCpuNs. */
  ratio?: number;
}

/** One line of bench/cell-torch.py's output. */
interface TorchResult {
  cell: CellKind;
  hidden: number;
  cellCpuNs: number;
  stepCpuNs: number;
  stepCpuMinNs: number;
  stepWallNs: number;
}

function stepLoop(spec: ModelSpec, seed: number, kernel: StepKernel = 'auto'): StepLoop {
  const rng = new SeededRandom(seed);
  const model = new RnnModel(spec, initParams(spec, rng));
  const stepper = model.newStepper(kernel);
  const state = model.newState();
  const out = new Float32Array(spec.outputSize);
  const inputs = Array.from({ length: 64 }, () => Float32Array.from({ length: spec.inputSize }, () => rng.normal()));
  return (n) => {
    for (let i = 0; i < n; i++) stepper.step(state, inputs[i & 63], out);
  };
}

function measureOurs(collect: () => void): Row[] {
  // The harness's own allocation (the heap statistics objects, the profiler), counted over no step.
  const baseline = heapBytesAllocated(() => undefined, 0, collect, 10);
  const rows: Row[] = [];
  for (const cell of CELL_KINDS) {
    for (const hidden of HIDDEN) {
      const spec = { cell, inputSize: INPUT, hiddenSize: hidden, numLayers: 1, outputSize: 1 };
      const loop = stepLoop(spec, 42);
      const ours = timeSteps(loop, RUNS, RUN_MS, WARMUP_MS);
      const oursJs = timeSteps(stepLoop(spec, 42, 'js'), RUNS, RUN_MS, WARMUP_MS);
      const steps = Math.min(ALLOC_STEPS_MAX, Math.max(ALLOC_STEPS_MIN, ours.stepsPerRun * 10));
      const bytes = heapBytesAllocated(loop, steps, collect) - baseline;
      rows.push({ cell, hidden, ours, oursJs, bytesPerStep: bytes / steps, allocSteps: steps });
    }
  }
  return rows;
}

/** PyTorch figures, or the reason they are missing. */
function measureTorch(): TorchResult[] | string {
  const probe = spawnSync('python3', ['-c', 'import torch'], { encoding: 'utf-8' });
  if (probe.error || probe.status !== 0) return 'PyTorch not measured: python3 -c "import torch" failed';
  const script = join(dirname(fileURLToPath(import.meta.url)), 'cell-torch.py');
  const cfg = { cells: CELL_KINDS, hidden: HIDDEN, input: INPUT, runs: RUNS, run_ms: RUN_MS, warmup_ms: WARMUP_MS };
  const run = spawnSync('python3', [script, JSON.stringify(cfg)], { encoding: 'utf-8', maxBuffer: 1 << 20 });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`bench/cell-torch.py exited with ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout) as TorchResult[];
}

const us = (ns: number | undefined): string => (ns === undefined ? '-' : (ns / 1000).toFixed(2));

function printTable(rows: Row[]): void {
  const header = ['cell', 'hidden', 'ours wall µs', '(wall min-max)', 'ours cpu µs', 'js kernel cpu µs', 'js/ours cpu', 'bytes/step',
    'torch cell cpu µs', 'torch step cpu µs', 'torch step wall µs', 'ours/torch cpu'];
  const lines = rows.map((r) => [
    r.cell,
    String(r.hidden),
    us(r.ours.wallNs),
    `${us(r.ours.wallMinNs)}-${us(r.ours.wallMaxNs)}`,
    us(r.ours.cpuNs),
    us(r.oursJs.cpuNs),
    (r.oursJs.cpuNs / r.ours.cpuNs).toFixed(2),
    r.bytesPerStep.toFixed(3),
    us(r.torch?.cellCpuNs),
    us(r.torch?.stepCpuNs),
    us(r.torch?.stepWallNs),
    r.ratio === undefined ? '-' : r.ratio.toFixed(3),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  console.log(fmt(header));
  console.log(`|${widths.map((w, i) => (i < 2 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const l of lines) console.log(fmt(l));
}

if (gc) {
  const started = Date.now();
  const loadBefore = loadavg()[0];
  const rows = measureOurs(gc);
  const torch = opts['no-torch'] ? 'PyTorch not measured: --no-torch' : measureTorch();
  if (typeof torch !== 'string') {
    for (const t of torch) {
      const row = rows.find((r) => r.cell === t.cell && r.hidden === t.hidden);
      if (!row) throw new Error(`bench/cell-torch.py reported ${t.cell}/${t.hidden}, which was not asked for`);
      row.torch = t;
      row.ratio = row.ours.cpuNs / t.stepCpuNs;
    }
  }
  const machine = {
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    loadavg1m: { before: loadBefore, after: loadavg()[0] },
  };
  const seconds = (Date.now() - started) / 1000;
  const torchNote = typeof torch === 'string' ? torch : 'PyTorch measured';
  const setup = { input: INPUT, layers: 1, output: 1, runs: RUNS, runMs: RUN_MS, warmupMs: WARMUP_MS };
  if (opts.json) console.log(JSON.stringify({ machine, setup, torch: torchNote, seconds, rows }, null, 2));
  else {
    printTable(rows);
    console.log(`\n${machine.cpu} x${machine.cores}, node ${machine.node}; load average (1 min) ${loadBefore.toFixed(2)} -> ${machine.loadavg1m.after.toFixed(2)}`);
    console.log(`input ${INPUT}, 1 layer, output 1; medians of ${RUNS} runs of ~${RUN_MS} ms; ${torchNote}; ${seconds.toFixed(1)} s`);
  }
}
