/**
 * Training benchmark: `npm run bench:train [-- --json] [-- --no-torch] [-- --rounds N]`.
 *
 * One training call = Trainer.trainBatch on B sequences of 50 steps (full BPTT) for a GRU with
 * 30 one-hot inputs (a symbol of a 30-letter alphabet per step), hidden 64, 1 layer, output 1,
 * MSE, Adam(lr 1e-3): forward, backward through time, one optimiser step, at B = 1, 16 and 64.
 * Ours runs in float64. Symbols, targets and weights are seeded.
 *
 * When `python3 -c "import torch"` works, bench/train-torch.py trains the same model from the
 * same initial weights on the same data with PyTorch eager (nn.GRU + nn.Linear, MSELoss, Adam,
 * one thread), in float32 and float64. The contenders alternate: every round runs ours at each
 * batch size, then PyTorch at each batch size (one process per round, never concurrently).
 * Per round and side: training calls per second by process CPU time (process.cpuUsage /
 * time.process_time), the median of RUNS runs of ~RUN_MS after WARMUP_MS of warm-up. Reported:
 * per batch size the median over rounds and the range, sequence-steps per second, and the
 * ratios ours / PyTorch of the same round (above 1: we are faster), median and range. The
 * first call's loss of both sides is printed as a check that they run the same computation.
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

const SPEC: ModelSpec = { cell: 'gru', inputSize: 30, hiddenSize: 64, numLayers: 1, outputSize: 1 };
const BATCHES = [1, 16, 64];
const WINDOW = 50;
const LR = 1e-3;
const RUNS = 5;
const RUN_MS = 400;
const WARMUP_MS = 800;

const { values: opts } = parseArgs({ options: { json: { type: 'boolean' }, 'no-torch': { type: 'boolean' }, rounds: { type: 'string', default: '3' } } });
const ROUNDS = Number(opts.rounds);
if (!(Number.isInteger(ROUNDS) && ROUNDS >= 1)) throw new Error(`--rounds must be an integer >= 1, got ${opts.rounds}`);

/** One side's measurement of one batch size in one round. */
interface Rate {
  cpuStepsPerSec: number;
  firstLoss: number;
}

/** Sequences of one-hot symbols; the target is a fixed function of the current and previous symbol. */
function makeSequences(rng: SeededRandom, count: number): TrainingSequence[] {
  const I = SPEC.inputSize;
  return Array.from({ length: count }, () => {
    const inputs = new Float64Array(WINDOW * I);
    const symbols = Array.from({ length: WINDOW }, () => Math.floor(rng.next() * I));
    symbols.forEach((sym, t) => (inputs[t * I + sym] = 1));
    const targets = Float64Array.from(symbols, (sym, t) => Math.tanh((sym - (t > 0 ? symbols[t - 1] : 0)) / 10));
    return { inputs, targets, lossMask: new Uint8Array(WINDOW).fill(1), resetAfter: new Uint8Array(WINDOW), length: WINDOW };
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function measureOurs(initial: ReturnType<typeof initParams>, batch: TrainingSequence[]): Rate {
  const trainer = new Trainer({ spec: SPEC, initial, loss: 'mse', optimizer: { kind: 'adam', lr: LR } });
  const firstLoss = trainer.trainBatch(batch).loss;
  const warmEnd = Date.now() + WARMUP_MS;
  while (Date.now() < warmEnd) trainer.trainBatch(batch);
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
    cpu.push(n / ((c.user + c.system) / 1e6));
  }
  return { cpuStepsPerSec: median(cpu), firstLoss };
}

type TorchRound = { torch: string; threads: number } & Record<'float32' | 'float64', Record<string, Rate>>;

function measureTorch(file: string): TorchRound {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'train-torch.py');
  const cfg = { runs: RUNS, run_ms: RUN_MS, warmup_ms: WARMUP_MS, batches: BATCHES };
  const run = spawnSync('python3', [script, file, JSON.stringify(cfg)], { encoding: 'utf-8' });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`bench/train-torch.py exited with ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout) as TorchRound;
}

function writeTorchInput(dir: string, seqs: TrainingSequence[], initial: ReturnType<typeof initParams>): string {
  const shapes = new Map(tensorShapes(SPEC).map((t) => [t.name, t.shape]));
  const tensors = new Map<string, { shape: readonly number[]; data: Float64Array }>();
  tensors.set('inputs', { shape: [seqs.length, WINDOW, SPEC.inputSize], data: Float64Array.from(seqs.flatMap((s) => [...s.inputs])) });
  tensors.set('targets', { shape: [seqs.length, WINDOW, 1], data: Float64Array.from(seqs.flatMap((s) => [...s.targets])) });
  for (const [name, data] of paramsToTensors(SPEC, initial)) tensors.set(name, { shape: shapes.get(name)!, data: Float64Array.from(data) });
  const file = join(dir, 'bench.safetensors');
  writeFileSync(file, serializeSafetensors(tensors));
  return file;
}

const started = Date.now();
const loadBefore = loadavg()[0];
const rng = new SeededRandom(2024);
const initial = initParams(SPEC, rng);
const seqs = makeSequences(rng, Math.max(...BATCHES));
const probe = opts['no-torch'] ? null : spawnSync('python3', ['-c', 'import torch'], { encoding: 'utf-8' });
const torchNote = opts['no-torch'] ? 'PyTorch not measured: --no-torch' : probe!.error || probe!.status !== 0 ? 'PyTorch not measured: python3 -c "import torch" failed' : null;
const dir = mkdtempSync(join(tmpdir(), 'rnn-stream-bench-'));
const ours: Record<number, Rate[]> = Object.fromEntries(BATCHES.map((b) => [b, []]));
const torchRounds: TorchRound[] = [];
try {
  const file = writeTorchInput(dir, seqs, initial);
  for (let round = 0; round < ROUNDS; round++) {
    for (const b of BATCHES) ours[b].push(measureOurs(initial, seqs.slice(0, b)));
    if (!torchNote) torchRounds.push(measureTorch(file));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const summary = (xs: number[]) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs) });
const rows = BATCHES.map((b) => {
  const o = ours[b].map((r) => r.cpuStepsPerSec);
  const row: Record<string, unknown> = { batch: b, ours: summary(o), oursSeqStepsPerSec: median(o) * b * WINDOW, firstLoss: ours[b][0].firstLoss };
  for (const dtype of ['float32', 'float64'] as const) {
    if (torchRounds.length === 0) continue;
    const t = torchRounds.map((r) => r[dtype][String(b)].cpuStepsPerSec);
    row[`torch_${dtype}`] = summary(t);
    row[`ratio_${dtype}`] = summary(o.map((v, i) => v / t[i]));
    row[`torchFirstLoss_${dtype}`] = torchRounds[0][dtype][String(b)].firstLoss;
  }
  return row;
});
const machine = { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, loadavg1m: { before: loadBefore, after: loadavg()[0] } };
const setup = { ...SPEC, oneHotInputs: true, batches: BATCHES, window: WINDOW, loss: 'mse', optimizer: 'adam', lr: LR, rounds: ROUNDS, runs: RUNS, runMs: RUN_MS, warmupMs: WARMUP_MS };
const seconds = (Date.now() - started) / 1000;
if (opts.json) console.log(JSON.stringify({ machine, setup, torch: torchRounds[0] ? `${torchRounds[0].torch}, ${torchRounds[0].threads} thread` : torchNote, rows, seconds }, null, 2));
else {
  type S = { median: number; min: number; max: number };
  const fmt = (s: S | undefined, digits: number) => (s ? `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}-${s.max.toFixed(digits)})` : '-');
  console.log(`GRU ${SPEC.inputSize} one-hot inputs, hidden ${SPEC.hiddenSize}, 1 layer, output 1; window ${WINDOW}; MSE; Adam; ${ROUNDS} rounds`);
  console.log('training calls/s by CPU time, median (range) over rounds; ratio = ours / PyTorch of the same round');
  console.log(['batch', 'ours f64', 'torch f32', 'torch f64', 'ours/torch f32', 'ours/torch f64', 'first loss ours / torch f64'].join(' | '));
  for (const r of rows) {
    const s = (k: string) => r[k] as S | undefined;
    const losses = `${(r.firstLoss as number).toPrecision(10)} / ${r.torchFirstLoss_float64 === undefined ? '-' : (r.torchFirstLoss_float64 as number).toPrecision(10)}`;
    console.log([r.batch, fmt(s('ours'), 1), fmt(s('torch_float32'), 1), fmt(s('torch_float64'), 1), fmt(s('ratio_float32'), 2), fmt(s('ratio_float64'), 2), losses].join(' | '));
  }
  console.log(torchRounds[0] ? `torch ${torchRounds[0].torch}, ${torchRounds[0].threads} thread` : torchNote);
  console.log(`${machine.cpu} x${machine.cores}, node ${machine.node}; load (1 min) ${loadBefore.toFixed(2)} -> ${machine.loadavg1m.after.toFixed(2)}; ${seconds.toFixed(1)} s`);
}
