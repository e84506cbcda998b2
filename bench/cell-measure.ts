/**
 * Measuring helpers for bench/cell.ts: the time of one step (median over runs) and the bytes
 * of JS heap allocated per step (exact accounting across garbage collections).
 */
import { hrtime } from 'node:process';
import { GCProfiler, getHeapStatistics } from 'node:v8';

/** Runs `n` steps of the thing under test; must not allocate itself. */
export type StepLoop = (n: number) => void;

/** Timing of one configuration, in nanoseconds per step: medians over runs, and the wall range. */
export interface StepTiming {
  /** Median wall-clock time: what a caller waits, including time the OS gave to other processes. */
  readonly wallNs: number;
  /** Median CPU time of this process (process.cpuUsage): less disturbed by a busy machine. */
  readonly cpuNs: number;
  /** Fastest run by CPU time: the least disturbed by other processes' use of caches and cores. */
  readonly cpuMinNs: number;
  readonly wallMinNs: number;
  readonly wallMaxNs: number;
  readonly runs: number;
  readonly stepsPerRun: number;
}

const cpuNs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) * 1000;
};

const elapsedNs = (loop: StepLoop, n: number): number => {
  const t0 = hrtime.bigint();
  loop(n);
  return Number(hrtime.bigint() - t0);
};

const median = (sorted: number[]): number => sorted[Math.floor(sorted.length / 2)];

/**
 * Warms `loop` up for `warmupMs` (so that V8 has optimised it), sizes a run to last about
 * `runMs`, then times `runs` runs, by wall clock and by process CPU time, in ns per step.
 */
export function timeSteps(loop: StepLoop, runs: number, runMs: number, warmupMs: number): StepTiming {
  let n = 16;
  const warmupEnd = Date.now() + warmupMs;
  while (Date.now() < warmupEnd) loop(n);
  while (elapsedNs(loop, n) < (runMs * 1e6) / 4) n *= 2;
  const stepsPerRun = Math.max(1, Math.round((n * runMs * 1e6) / elapsedNs(loop, n)));
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < runs; r++) {
    const c0 = cpuNs();
    wall.push(elapsedNs(loop, stepsPerRun) / stepsPerRun);
    cpu.push((cpuNs() - c0) / stepsPerRun);
  }
  wall.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return { wallNs: median(wall), cpuNs: median(cpu), cpuMinNs: cpu[0], wallMinNs: wall[0], wallMaxNs: wall[runs - 1], runs, stepsPerRun };
}

/**
 * Bytes of JS heap allocated by one `loop(steps)`: after a full GC, (used heap after - used heap
 * before) + sum over the collections that ran meanwhile of (used before GC - used after GC),
 * as reported by v8.GCProfiler. Since the full GC left only live objects, whatever a collection
 * frees during the window was allocated in it, so this counts every byte the loop allocated,
 * whether or not a scavenge ran. `gc` is the function exposed by `--expose-gc`.
 */
function countOnce(loop: StepLoop, steps: number, gc: () => void): number {
  gc();
  const profiler = new GCProfiler();
  profiler.start();
  const before = getHeapStatistics().used_heap_size;
  loop(steps);
  const after = getHeapStatistics().used_heap_size;
  const report = profiler.stop();
  let freed = 0;
  for (const s of report?.statistics ?? []) {
    freed += s.beforeGC.heapStatistics.usedHeapSize - s.afterGC.heapStatistics.usedHeapSize;
  }
  return after - before + freed;
}

/**
 * The least of `counts` counts of {@link countOnce}: what every run allocates. A count can be
 * inflated by one-off work (V8 tiering the loop up allocates feedback and code objects on the
 * heap), but an allocation made by every step is in every count, so the minimum keeps it.
 */
export function heapBytesAllocated(loop: StepLoop, steps: number, gc: () => void, counts = 5): number {
  let least = Infinity;
  for (let k = 0; k < counts; k++) least = Math.min(least, countOnce(loop, steps, gc));
  return least;
}
