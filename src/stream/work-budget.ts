import { LoopTurns } from './loop-turns.js';

/** Options of {@link WorkBudget} (the `pipeline` configuration section). */
export interface WorkBudgetOptions {
  /** Longest stretch of model work, ms, before yielding to the event loop (and heartbeating). */
  readonly sliceMs: number;
  /** Model work, ms, a sub-batch aims at: its events = subBatchMs / measured cost per event. */
  readonly subBatchMs: number;
  /** Most messages in one sub-batch, whatever the model's cost. */
  readonly maxSubBatchEvents: number;
  /** Model work, ms, one partition's fetch aims at (0: fetch the configured maximum bytes). */
  readonly fetchWorkMs?: number;
  /** Monotonic clock in milliseconds (performance.now). */
  readonly now?: () => number;
}

/** The defaults of config/default.yaml's `pipeline` section, for pipelines without a configuration (demo, tests). */
export const DEFAULT_WORK_BUDGET: WorkBudgetOptions = { sliceMs: 20, subBatchMs: 500, maxSubBatchEvents: 2000, fetchWorkMs: 500 };

/** Messages in a sub-batch before any cost has been measured. */
export const FIRST_SUB_BATCH_EVENTS = 64;
/** Weight of the newest slice in the moving average of the cost per event. */
const SMOOTHING = 0.3;
/** Floor of the measured cost (ms per event), so a slice below the clock's resolution cannot read as free. */
const MIN_COST_MS = 1e-4;

/**
 * How much model work the pipeline does before it lets the event loop run, and how many
 * messages of a fetched batch it applies, stores and commits as one unit. Both follow the
 * model's measured cost per event (an exponentially weighted moving average over slices,
 * monotonic clock), so a slow model gets short slices and small sub-batches and a fast one
 * long ones:
 *
 *   events per slice     = max(1, floor(sliceMs / cost))
 *   events per sub-batch = clamp(floor(subBatchMs / cost), 1, maxSubBatchEvents)
 *                          (FIRST_SUB_BATCH_EVENTS until a cost is measured)
 *   events per fetch     = max(1, floor(fetchWorkMs / cost))   (kafka/fetch-sizer.ts turns it into bytes)
 *
 * Every slice, the first of a sub-batch included, waits for its turn of the event loop (`turns`),
 * so the loop runs at most one slice per turn whatever the number of partitions in flight.
 *
 * One per pipeline: the cost is the model's, whichever partition measured it. Not thread-safe
 * (nothing in a Node process needs it to be).
 */
export class WorkBudget {
  readonly sliceMs: number;
  readonly subBatchMs: number;
  readonly maxSubBatchEvents: number;
  readonly fetchWorkMs: number;
  readonly now: () => number;
  /** Turns of the event loop shared by every partition's slices: one slice per turn (loop-turns.ts). */
  readonly turns = new LoopTurns();
  private cost = NaN;

  constructor(opts: WorkBudgetOptions) {
    this.sliceMs = opts.sliceMs;
    this.subBatchMs = opts.subBatchMs;
    this.maxSubBatchEvents = opts.maxSubBatchEvents;
    this.fetchWorkMs = opts.fetchWorkMs ?? 0;
    this.now = opts.now ?? (() => performance.now());
  }

  /** The moving average of the model work per event, ms (NaN before the first measurement). */
  costPerEventMs(): number {
    return this.cost;
  }

  /** Records that `events` events took `elapsedMs` of model work. */
  record(events: number, elapsedMs: number): void {
    if (events <= 0) return;
    const sample = Math.max(MIN_COST_MS, elapsedMs / events);
    this.cost = Number.isNaN(this.cost) ? sample : this.cost + SMOOTHING * (sample - this.cost);
  }

  /** Events to advance before the next yield (at least 1). */
  eventsPerSlice(): number {
    if (Number.isNaN(this.cost)) return 1;
    return Math.max(1, Math.floor(this.sliceMs / this.cost));
  }

  /** Messages of a fetched batch to handle as one sub-batch (at least 1). */
  eventsPerSubBatch(): number {
    const n = Number.isNaN(this.cost) ? FIRST_SUB_BATCH_EVENTS : Math.floor(this.subBatchMs / this.cost);
    return Math.max(1, Math.min(this.maxSubBatchEvents, n));
  }

  /**
   * Events one partition's fetch should bring: NaN before the first measurement, Infinity when
   * `fetchWorkMs` is 0 (no sizing by cost), else at least 1.
   */
  eventsPerFetch(): number {
    if (this.fetchWorkMs === 0) return Infinity;
    if (Number.isNaN(this.cost)) return NaN;
    return Math.max(1, Math.floor(this.fetchWorkMs / this.cost));
  }
}
