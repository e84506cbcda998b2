/**
 * Training benchmark: `npm run bench:train [-- --json] [-- --no-torch]`.
 *
 * One training call = Trainer.trainBatch on 16 sequences of 50 steps (full BPTT over the
 * window of 50) for a GRU with input 8, hidden 32, 1 layer, output 1, MSE, Adam(lr 1e-3):
 * forward, backward through time, one optimiser step; float64 throughout (our trainer has no
 * float32 mode). Inputs ~ N(0, 1), targets a fixed function of the inputs, weights from
 * initParams, all seeded. We report median training calls per second over RUNS runs of ~RUN_MS
 * each after WARMUP_MS of warm-up, by wall clock and by process CPU time (process.cpuUsage: the
 * fairer figure on a shared machine), and the best run by CPU time (the least disturbed).
 *
 * When `python3 -c "import torch"` works, bench/train-torch.py trains the same model from the
 * same initial weights on the same data with PyTorch eager (nn.GRU + nn.Linear, MSELoss, Adam,
 * one thread), in float32 and in float64, afterwards in the same run (not concurrently), timed
 * the same way. Ratios are ours / PyTorch in steps per second (above 1: we are faster), by
 * median and by best CPU time. The first call's loss of both sides is printed as a check that they run the same thing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { initParams, paramsToTensors, SeededRandom, serializeSafetensors, tensorShapes, type ModelSpec } from '../src/model/index.js';
import { Trainer } from '../src/train/trainer.js';
import type { TrainingSequence } from '../src/train/training-contract.js';

const SPEC: ModelSpec = { cell: 'gru', inputSize: 8, hiddenSize: 32, numLayers: 1, outputSize: 1 };
const BATCH = 16;
const WINDOW = 50;
const LR = 1e-3;
const RUNS = 7;
const RUN_MS = 700;
const WARMUP_MS = 1500;

const { values: opts } = parseArgs({ options: { json: { type: 'boolean' }, 'no-torch': { type: 'boolean' } } });

/** Training calls per second of one side over the runs: medians, and the best run by CPU time. */
interface Rate {
  wallStepsPerSec: number;
  cpuStepsPerSec: number;
  bestCpuStepsPerSec: number;
  firstLoss: number;
}

function makeBatch(rng: SeededRandom): TrainingSequence[] {
  return Array.from({ length: BATCH }, () => {
    const inputs = Float64Array.from({ length: WINDOW * SPEC.inputSize }, () => rng.normal());
    const targets = new Float64Array(WINDOW);
    for (let t = 1; t < WINDOW; t++) targets[t] = Math.tanh(inputs[t * 8] - 0.5 * inputs[(t - 1) * 8 + 1]);
    return { inputs, targets, lossMask: new Uint8Array(WINDOW).fill(1), resetAfter: new Uint8Array(WINDOW), length: WINDOW };
  });
}

function measureOurs(trainer: Trainer, batch: TrainingSequence[]): Rate {
  const firstLoss = trainer.trainBatch(batch).loss;
  const warmEnd = Date.now() + WARMUP_MS;
  while (Date.now() < warmEnd) trainer.trainBatch(batch);
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    let n = 0;
    while (performance.now() - w0 < RUN_MS) {
      trainer.trainBatch(batch);
      n++;
    }
    const c = process.cpuUsage(c0);
    wall.push(n / ((performance.now() - w0) / 1000));
    cpu.push(n / ((c.user + c.system) / 1e6));
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { wallStepsPerSec: median(wall), cpuStepsPerSec: median(cpu), bestCpuStepsPerSec: Math.max(...cpu), firstLoss };
}

function measureTorch(batch: TrainingSequence[], initial: ReturnType<typeof initParams>): Record<string, unknown> | string {
  const probe = spawnSync('python3', ['-c', 'import torch'], { encoding: 'utf-8' });
  if (probe.error || probe.status !== 0) return 'PyTorch not measured: python3 -c "import torch" failed';
  const dir = mkdtempSync(join(tmpdir(), 'rnn-stream-bench-'));
  try {
    const shapes = new Map(tensorShapes(SPEC).map((t) => [t.name, t.shape]));
    const tensors = new Map<string, { shape: readonly number[]; data: Float64Array }>();
    tensors.set('inputs', { shape: [BATCH, WINDOW, SPEC.inputSize], data: Float64Array.from(batch.flatMap((s) => [...s.inputs])) });
    tensors.set('targets', { shape: [BATCH, WINDOW, 1], data: Float64Array.from(batch.flatMap((s) => [...s.targets])) });
    for (const [name, data] of paramsToTensors(SPEC, initial)) tensors.set(name, { shape: shapes.get(name)!, data: Float64Array.from(data) });
    const file = join(dir, 'bench.safetensors');
    writeFileSync(file, serializeSafetensors(tensors));
    const script = join(dirname(fileURLToPath(import.meta.url)), 'train-torch.py');
    const cfg = { runs: RUNS, run_ms: RUN_MS, warmup_ms: WARMUP_MS };
    const run = spawnSync('python3', [script, file, JSON.stringify(cfg)], { encoding: 'utf-8' });
    if (run.error) throw run.error;
    if (run.status !== 0) throw new Error(`bench/train-torch.py exited with ${run.status}: ${run.stderr}`);
    return JSON.parse(run.stdout) as Record<string, unknown>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const started = Date.now();
const loadBefore = loadavg()[0];
const rng = new SeededRandom(2024);
const initial = initParams(SPEC, rng);
const batch = makeBatch(rng);
const trainer = new Trainer({ spec: SPEC, initial, loss: 'mse', optimizer: { kind: 'adam', lr: LR } });
const ours = measureOurs(trainer, batch);
const torch = opts['no-torch'] ? 'PyTorch not measured: --no-torch' : measureTorch(batch, initial);
const ratios: Record<string, number> = {};
if (typeof torch !== 'string') {
  for (const dtype of ['float32', 'float64']) {
    const t = torch[dtype] as Rate;
    ratios[`ours/torch_${dtype} (median cpu)`] = ours.cpuStepsPerSec / t.cpuStepsPerSec;
    ratios[`ours/torch_${dtype} (best cpu)`] = ours.bestCpuStepsPerSec / t.bestCpuStepsPerSec;
  }
}
const machine = { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, loadavg1m: { before: loadBefore, after: loadavg()[0] } };
const setup = { ...SPEC, batch: BATCH, window: WINDOW, loss: 'mse', optimizer: 'adam', lr: LR, runs: RUNS, runMs: RUN_MS, warmupMs: WARMUP_MS };
const seconds = (Date.now() - started) / 1000;
if (opts.json) console.log(JSON.stringify({ machine, setup, ours: { dtype: 'float64', ...ours }, torch, ratios, seconds }, null, 2));
else {
  const row = (name: string, r: Rate) =>
    `${name.padEnd(18)} ${[r.wallStepsPerSec, r.cpuStepsPerSec, r.bestCpuStepsPerSec].map((v) => v.toFixed(1).padStart(10)).join(' ')}   ${r.firstLoss.toPrecision(10)}`;
  console.log(`GRU input ${SPEC.inputSize}, hidden ${SPEC.hiddenSize}, 1 layer; batch ${BATCH} x window ${WINDOW}; MSE; Adam`);
  console.log(`${'training calls/s'.padEnd(18)} ${['wall', 'cpu', 'best cpu'].map((h) => h.padStart(10)).join(' ')}   first loss`);
  console.log(row('ours (float64)', ours));
  if (typeof torch === 'string') console.log(torch);
  else {
    console.log(row('torch float32', torch.float32 as Rate));
    console.log(row('torch float64', torch.float64 as Rate));
    for (const [k, v] of Object.entries(ratios)) console.log(`${k}: ${v.toFixed(3)}`);
    console.log(`torch ${String(torch.torch)}, ${String(torch.threads)} thread`);
  }
  console.log(`${machine.cpu} x${machine.cores}, node ${machine.node}; load (1 min) ${loadBefore.toFixed(2)} -> ${machine.loadavg1m.after.toFixed(2)}; ${seconds.toFixed(1)} s`);
}
