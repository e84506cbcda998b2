/**
 * What the phases of bench/pipeline.ts share: the run description handed to each child process
 * (as JSON in argv) and the result each child prints (one JSON line on stdout; a fixed-rate
 * child first prints `ready` once it is assigned its partitions).
 */
import { readFileSync } from 'node:fs';
import { loadConfig } from '../src/config/index.js';
import type { ServiceConfig } from '../src/config/service-config.js';
import type { PredictionHeaderMode } from '../src/records/prediction-headers.js';
import { setPath } from './config-overrides.js';

/** One phase of a benchmark run: where everything lives. */
export interface BenchRun {
  readonly brokers: string[];
  readonly redisUrl: string;
  readonly inputTopic: string;
  /** Where the phase produces: predictions, or the bare client's copies. */
  readonly outputTopic: string;
  readonly deadLetterTopic: string;
  readonly keyPrefix: string;
  readonly groupId: string;
  readonly partitions: number;
  readonly events: number;
  readonly model: string;
  /** Headers on each output record (the bare client writes the same ones). */
  readonly headers: PredictionHeaderMode;
  /** kafka.lingerMs of the run (null: the configured default). */
  readonly lingerMs: number | null;
  /** Print `ready` on stdout once partitions are assigned (fixed-rate phases, whose input is produced afterwards). */
  readonly signalReady: boolean;
  /** The pipeline's output.guarantee (the bare client ignores it). */
  readonly guarantee: 'at_least_once' | 'exactly_once';
  /** `--set` overrides of the pipeline's configuration: dotted key -> value. */
  readonly sets: Record<string, unknown>;
  /**
   * The bare client's kafkajs (bench/pipeline-ceiling.ts): the project's patched install, or the
   * published kafkajs 2.2.4 as npm serves it (devDependency `kafkajs-published`). The pipeline ignores it.
   */
  readonly bareClient: 'patched' | 'published';
  /** Seconds after the first input batch before the after-warm-up CPU window opens (0: none). */
  readonly warmupSeconds: number;
}

/** A phase's measurement. */
export interface PhaseResult {
  /** Events that reached the output (predictions, or re-produced messages). */
  readonly events: number;
  /** From the first input batch received (after the group join) to the last output acknowledged. */
  readonly steadySeconds: number;
  /** From the start of consumption (before the group join) to the last output. */
  readonly wallSeconds: number;
  /** CPU time (user + system) of the phase's process over the steady window: robust to a busy machine. */
  readonly cpuSeconds: number;
  /** Peak resident set size of the phase's process (getrusage ru_maxrss). */
  readonly peakRssBytes: number;
  /** Batches handled. */
  readonly batches: number;
  /**
   * The same CPU measure over the outputs acknowledged after the first `warmupSeconds` of the
   * steady window (a fresh process compiles and loads code on its first batches; at a low fixed
   * rate that one-time cost is a large share of a short phase). Null without a warm-up or when
   * the phase ended within it.
   */
  readonly afterWarmup: { readonly events: number; readonly cpuSeconds: number } | null;
}

/** The service configuration of a run: config/default.yaml with the run's addresses and names. */
export function benchConfig(run: BenchRun): Promise<ServiceConfig> {
  const overrides: Record<string, unknown> = {
    kafka: {
      brokers: run.brokers,
      clientId: 'rnn-stream-bench',
      groupId: run.groupId,
      inputTopic: run.inputTopic,
      outputTopic: run.outputTopic,
      deadLetterTopic: run.deadLetterTopic,
      fromBeginning: true,
      outputHeaders: run.headers,
      ...(run.lingerMs === null ? {} : { lingerMs: run.lingerMs }),
      topics: { create: false, partitions: run.partitions, replicationFactor: 1 },
    },
    redis: { url: run.redisUrl, keyPrefix: run.keyPrefix },
    output: { guarantee: run.guarantee },
    model: { manifest: run.model },
    logging: { level: 'warn' },
  };
  for (const [path, value] of Object.entries(run.sets)) setPath(overrides, path, value);
  return loadConfig({ env: {}, overrides });
}

/**
 * Times a phase: `received()` when an input batch arrives, `acked(n)` when outputs are
 * acknowledged; the steady window runs from the first batch received to the last output, the
 * after-warm-up window from the first output acknowledged `warmupSeconds` after the first batch.
 */
export class OutputClock {
  private readonly started = performance.now();
  private warmCount = -1;
  private cpuWarm: NodeJS.CpuUsage | null = null;
  private firstAt = -1;
  private lastAt = -1;
  private count = 0;
  private cpuFirst: NodeJS.CpuUsage | null = null;
  private cpuLast: NodeJS.CpuUsage | null = null;
  batches = 0;

  constructor(private readonly warmupSeconds = 0) {}

  received(): void {
    if (this.firstAt >= 0) return;
    this.firstAt = performance.now();
    this.cpuFirst = process.cpuUsage();
  }

  acked(n: number): number {
    this.received();
    const now = performance.now();
    this.count += n;
    this.lastAt = now;
    // The window opens after this call's outputs: their CPU was spent before it.
    if (this.warmupSeconds > 0 && this.cpuWarm === null && now - this.firstAt >= this.warmupSeconds * 1000) {
      this.cpuWarm = process.cpuUsage();
      this.warmCount = this.count;
    }
    return this.count;
  }

  /** Call as soon as the last output is acknowledged: the CPU reading that ends the window is taken here. */
  result(): PhaseResult {
    // One reading at the end rather than one per acknowledgement (each costs a system call).
    this.cpuLast ??= process.cpuUsage();
    return {
      events: this.count,
      steadySeconds: (this.lastAt - this.firstAt) / 1000,
      wallSeconds: (this.lastAt - this.started) / 1000,
      cpuSeconds: this.cpuFirst && this.cpuLast ? cpuBetween(this.cpuFirst, this.cpuLast) : 0,
      peakRssBytes: peakRssBytes(),
      batches: this.batches,
      afterWarmup:
        this.cpuWarm && this.cpuLast && this.count > this.warmCount ? { events: this.count - this.warmCount, cpuSeconds: cpuBetween(this.cpuWarm, this.cpuLast) } : null,
    };
  }
}

/**
 * The phase process's own peak resident set size. getrusage's maxRSS is kept across exec on Linux,
 * so a phase process would report at least the bench's own size when it was spawned (every phase
 * of a long run read 279 MiB); the memory map's high-water mark (VmHWM) starts anew with the exec.
 */
function peakRssBytes(): number {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]) * 1024;
  } catch {
    // Not Linux: getrusage's figure below.
  }
  return process.resourceUsage().maxRSS * 1024;
}

/** Process CPU seconds (user + system) between two readings. */
function cpuBetween(from: NodeJS.CpuUsage, to: NodeJS.CpuUsage): number {
  return (to.user - from.user + to.system - from.system) / 1e6;
}
