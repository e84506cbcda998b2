import { concatMap, type OperatorFunction } from 'rxjs';
import { MEM_PREV_TS } from '../features/feature-memory.js';
import type { PipelineMetrics } from '../metrics/pipeline-metrics.js';
import type { KeyState } from '../state/key-state.js';
import type { AdvancedBatch, DecodedBatch, DecodedEvent } from './batch-stages.js';
import { deadLetterRecord } from '../records/dead-letter-record.js';
import type { LiveScorer } from '../quality/live-scorer.js';
import type { ModelRuntime } from '../runtime/model-runtime.js';
import { nonFiniteOutputRejection } from '../runtime/non-finite-output.js';
import { isTimestampRegression } from '../runtime/timestamp-regression.js';
import type { WorkBudget } from './work-budget.js';
import { yieldToLoop } from './yield-to-loop.js';

/** Dependencies of {@link advanceStates}. */
export interface AdvanceStatesDeps {
  readonly runtime: ModelRuntime;
  /** `apply`: an event whose ts went back for its key is applied and counted; `reject`: dead-lettered. */
  readonly timestampPolicy: 'apply' | 'reject';
  readonly metrics: PipelineMetrics;
  /** Monotonic milliseconds (performance.now), for durations. */
  readonly clock: () => number;
  /** Counts states found with another model version, which are replaced by fresh ones. */
  readonly onStateReset?: (count: number) => void;
  /** Slices the model work and measures its cost per event. */
  readonly budget: WorkBudget;
  /** Scores each key's previous prediction of `runtime` when its next event arrives (quality/live-scorer.ts); absent: no scoring. */
  readonly scorer?: LiveScorer;
}

const EMPTY_OUTPUTS = new Float32Array(0);
const EMPTY_STEPS = new Float64Array(0);

/**
 * Per-key features and one RNN step per event, on the partition's in-memory states, in offset
 * order. Writes each event's head output into one batch-wide buffer (no per-event buffers) and
 * records the touched keys' states and their last applied offset.
 *
 * Model versions: a state belonging to another model version is never advanced; it is replaced
 * by a fresh state of the running model (step 0, zero h/c, empty feature memory) and counted.
 *
 * Never starves the event loop: the events are advanced in slices of at most
 * `budget.sliceMs` of model work (the slice length follows the measured cost per event); between
 * slices it yields to the event loop (HTTP endpoints, I/O callbacks) and sends the source a
 * heartbeat, which rejects when the group is rebalancing (the batch then fails and is fetched
 * again). Allocates nothing per event beyond the batch's own arrays.
 *
 * Order and concurrency: one output per input, in input order (concatMap); events of a key are
 * applied in offset order. Slices of batches of different partitions may interleave; the
 * ModelRuntime's scratch is only used within one event's step, so that is safe.
 */
export function advanceStates(deps: AdvanceStatesDeps): OperatorFunction<DecodedBatch, AdvancedBatch> {
  const { runtime, metrics, budget } = deps;
  const outSize = runtime.out.length;
  const version = runtime.loaded.version;
  return concatMap(async (decoded): Promise<AdvancedBatch> => {
    const context = decoded.context;
    if (decoded.events.length === 0 || context === null) {
      return { ...decoded, applied: [], outputs: EMPTY_OUTPUTS, steps: EMPTY_STEPS, touched: new Map(), scores: null };
    }
    const t0 = deps.clock();
    const outputs = new Float32Array(decoded.events.length * outSize);
    const steps = new Float64Array(decoded.events.length);
    const applied: DecodedEvent[] = [];
    const touched = new Map<string, KeyState>();
    const scorer = deps.scorer;
    const scores = scorer ? scorer.begin(decoded.events.length) : null;
    let regressions = 0;
    let unknownTokens = 0;
    let resets = 0;
    const events = decoded.events;
    for (let i = 0; i < events.length; ) {
      if (i > 0) {
        await yieldToLoop();
        await decoded.batch.control.heartbeat();
      }
      const sliceEnd = Math.min(events.length, i + budget.eventsPerSlice());
      const sliceStart = i;
      const t0 = budget.now();
      for (; i < sliceEnd; i++) {
        const item = events[i];
        const key = item.event.key;
        let state = context.states.get(key);
        if (state === undefined || state.modelVersion !== version) {
          if (state !== undefined) resets++;
          state = runtime.newKeyState();
          context.states.set(key, state);
        }
        if (deps.timestampPolicy === 'reject' && isTimestampRegression(state.memory, item.event.ts)) {
          const detail = `"ts" ${item.event.ts} is before the previous event of key ${JSON.stringify(key.slice(0, 64))} (${state.memory[MEM_PREV_TS]})`;
          const record = deadLetterRecord(decoded.batch.topic, decoded.batch.partition, item.message, { reason: 'timestamp_regression', detail });
          decoded.deadLetters.push({ record, reason: 'timestamp_regression' });
          continue;
        }
        // The key's previous prediction meets what happened, before the step overwrites its state.
        const scored = scores !== null && scorer!.score(scores, state, item.event);
        const result = runtime.advance(state, item.event);
        if (result === 'non_finite') {
          if (scored) scorer!.retract(scores);
          // A diverging model must not stop the partition (it would fail again on every retry):
          // the event is dead-lettered and the key's state is left as it was.
          const record = deadLetterRecord(decoded.batch.topic, decoded.batch.partition, item.message, nonFiniteOutputRejection(key));
          decoded.deadLetters.push({ record, reason: 'non_finite_output' });
          continue;
        }
        if (result === 'backwards') regressions++;
        if (item.event.kind === 'token' && item.event.unknown) unknownTokens++;
        state.lastOffset = item.offset;
        outputs.set(runtime.out, applied.length * outSize);
        steps[applied.length] = state.step;
        applied.push(item);
        touched.set(key, state);
      }
      budget.record(sliceEnd - sliceStart, budget.now() - t0);
    }
    metrics.modelStep.observe((deps.clock() - t0) / 1000);
    if (regressions > 0) metrics.timestampRegressions.inc(regressions);
    if (unknownTokens > 0) metrics.unknownTokens.inc(unknownTokens);
    if (resets > 0) deps.onStateReset?.(resets);
    return { ...decoded, applied, outputs, steps, touched, scores };
  });
}
