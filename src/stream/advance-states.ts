import { concatMap, type OperatorFunction } from 'rxjs';
import { MEM_PREV_TS } from '../features/feature-memory.js';
import type { PipelineMetrics } from '../metrics/pipeline-metrics.js';
import type { KeyState } from '../state/key-state.js';
import type { AdvancedBatch, DecodedBatch, DecodedEvent, ModelScores } from './batch-stages.js';
import { deadLetterRecord } from '../records/dead-letter-record.js';
import type { LiveQuality } from '../quality/live-quality.js';
import type { LiveModels } from '../runtime/live-models.js';
import { warmStart } from '../runtime/warm-start.js';
import type { PartitionRef } from '../state/state-store.js';
import { ShadowRun } from './shadow-run.js';
import { nonFiniteOutputRejection } from '../runtime/non-finite-output.js';
import { isTimestampRegression } from '../runtime/timestamp-regression.js';
import type { WorkBudget } from './work-budget.js';

/** Dependencies of {@link advanceStates}. */
export interface AdvanceStatesDeps {
  /** The live models; each batch uses the set that is current when it starts. */
  readonly models: LiveModels;
  /** `apply`: an event whose ts went back for its key is applied and counted; `reject`: dead-lettered. */
  readonly timestampPolicy: 'apply' | 'reject';
  readonly metrics: PipelineMetrics;
  /** Monotonic milliseconds (performance.now), for durations. */
  readonly clock: () => number;
  /** Counts states found with another model version and no recent inputs to warm up from: they start fresh. */
  readonly onStateReset?: (count: number) => void;
  /** Counts states of another model version warmed up from their recent inputs, and the events replayed. */
  readonly onWarmStart?: (version: string, keys: number, events: number) => void;
  /** Reads a shadow model's stored states of a partition (its first batch there since the load). */
  readonly loadShadow?: (partition: PartitionRef, version: string) => Promise<Map<string, KeyState>>;
  /** Slices the model work and measures its cost per event. */
  readonly budget: WorkBudget;
  /** Live quality: the scorers of each batch's champion and shadows (quality/live-quality.ts); absent: no scoring. */
  readonly quality?: Pick<LiveQuality, 'scorerFor'>;
}

const EMPTY_OUTPUTS = new Float32Array(0);
const EMPTY_STEPS = new Float64Array(0);

/**
 * Per-key features and one RNN step per event, on the partition's in-memory states, in offset
 * order. Writes each event's head output into one batch-wide buffer (no per-event buffers) and
 * records the touched keys' states and their last applied offset.
 *
 * Model versions: the batch runs the champion of the live set current when it starts (a swap
 * takes effect at a batch boundary). A state belonging to another model version is never
 * advanced: it is replaced, lazily at the key's next event, by the champion warmed up over the
 * key's recent inputs (runtime/warm-start.ts), or by a fresh state when it kept none; both
 * counted. Every applied event is appended to its key's recent inputs.
 *
 * Live quality: each model of the set (champion and shadows) that can be scored has each key's
 * previous prediction scored against the event before its step (after a warm start: the
 * prediction of the warmed state); the scores go with the batch and are folded once it is
 * published (fold-scores.ts).
 *
 * Never starves the event loop: the events are advanced in slices of at most
 * `budget.sliceMs` of model work (the slice length follows the measured cost per event); each
 * slice waits for a turn of the event loop that no other partition's slice takes
 * (budget.turns), so HTTP endpoints and I/O callbacks run between any two slices; between
 * slices of one batch it sends the source a heartbeat, which rejects when the group is rebalancing (the batch then fails and is fetched
 * again). Allocates nothing per event beyond the batch's own arrays.
 *
 * Order and concurrency: one output per input, in input order (concatMap); events of a key are
 * applied in offset order. Slices of batches of different partitions may interleave; the
 * ModelRuntime's scratch is only used within one event's step, so that is safe.
 */
export function advanceStates(deps: AdvanceStatesDeps): OperatorFunction<DecodedBatch, AdvancedBatch> {
  const { metrics, budget } = deps;
  return concatMap(async (decoded): Promise<AdvancedBatch> => {
    const context = decoded.context;
    const models = deps.models.current();
    const runtime = models.champion;
    // Scorers are taken with the set, before any await: a swap meanwhile cannot revive a retired one.
    const scorer = deps.quality?.scorerFor(runtime.loaded);
    const shadowScorers = models.shadows.map((shadow) => deps.quality?.scorerFor(shadow.loaded));
    if (decoded.events.length === 0 || context === null) {
      return { ...decoded, models, applied: [], outputs: EMPTY_OUTPUTS, steps: EMPTY_STEPS, touched: new Map(), shadows: [], scores: [] };
    }
    const shadows: ShadowRun[] = [];
    for (const [i, shadow] of models.shadows.entries()) {
      const v = shadow.loaded.version;
      let states = context.shadowStates.get(v);
      if (states === undefined) {
        states = deps.loadShadow ? await deps.loadShadow(context.ref, v) : new Map<string, KeyState>();
        context.shadowStates.set(v, states);
      }
      shadows.push(new ShadowRun(shadow, states, decoded.events.length, shadowScorers[i]));
    }
    const outSize = runtime.out.length;
    const version = runtime.loaded.version;
    const t0 = deps.clock();
    const outputs = new Float32Array(decoded.events.length * outSize);
    const steps = new Float64Array(decoded.events.length);
    const applied: DecodedEvent[] = [];
    const touched = new Map<string, KeyState>();
    const buffer = scorer ? scorer.begin(decoded.events.length) : null;
    let regressions = 0;
    let unknownTokens = 0;
    let resets = 0;
    let warmed = 0;
    let replayed = 0;
    const events = decoded.events;
    for (let i = 0; i < events.length; ) {
      // Every slice waits for a turn of its own: the first too, which would otherwise run in
      // whatever callback finished the previous stage, right after other partitions' slices.
      await budget.turns.next();
      if (i > 0) await decoded.batch.control.heartbeat();
      const sliceEnd = Math.min(events.length, i + budget.eventsPerSlice());
      const sliceStart = i;
      const t0 = budget.now();
      const replayedBefore = replayed;
      for (; i < sliceEnd; i++) {
        const item = events[i];
        const key = item.event.key;
        let state = context.states.get(key);
        const championOffset = state?.lastOffset ?? -1;
        if (state === undefined) {
          state = runtime.newKeyState();
          context.states.set(key, state);
        } else if (state.modelVersion !== version) {
          const warm = warmStart(runtime, key, state.recent);
          if (warm.replayed > 0) {
            warmed++;
            replayed += warm.replayed;
          } else resets++;
          state = warm.state;
          context.states.set(key, state);
        } else runtime.fitRecent(state);
        if (deps.timestampPolicy === 'reject' && isTimestampRegression(state.memory, item.event.ts)) {
          const detail = `"ts" ${item.event.ts} is before the previous event of key ${JSON.stringify(key.slice(0, 64))} (${state.memory[MEM_PREV_TS]})`;
          const record = deadLetterRecord(decoded.batch.topic, decoded.batch.partition, item.message, { reason: 'timestamp_regression', detail });
          decoded.deadLetters.push({ record, reason: 'timestamp_regression' });
          continue;
        }
        // The key's previous prediction meets what happened, before the step overwrites its state
        // (after a warm start: the prediction the new model makes after the key's recent inputs).
        const scored = buffer !== null && scorer!.score(buffer, state, item.event);
        const result = runtime.advance(state, item.event);
        if (result === 'non_finite') {
          if (scored) scorer!.retract(buffer);
          // A diverging model must not stop the partition (it would fail again on every retry):
          // the event is dead-lettered and the key's state is left as it was.
          const record = deadLetterRecord(decoded.batch.topic, decoded.batch.partition, item.message, nonFiniteOutputRejection(key));
          decoded.deadLetters.push({ record, reason: 'non_finite_output' });
          continue;
        }
        if (scored) scorer!.complete(buffer, runtime.out);
        if (result === 'backwards') regressions++;
        if (item.event.kind === 'token' && item.event.unknown) unknownTokens++;
        state.lastOffset = item.offset;
        for (const shadow of shadows) shadow.advance(key, item.event, item.offset, applied.length, championOffset, state.recent);
        state.recent?.push(item.event);
        outputs.set(runtime.out, applied.length * outSize);
        steps[applied.length] = state.step;
        applied.push(item);
        touched.set(key, state);
      }
      budget.record(sliceEnd - sliceStart + replayed - replayedBefore, budget.now() - t0);
      // (A shadow's warm-up events are not counted: the per-event cost measured includes the shadows' steps.)
    }
    metrics.modelStep.observe((deps.clock() - t0) / 1000);
    if (regressions > 0) metrics.timestampRegressions.inc(regressions);
    if (unknownTokens > 0) metrics.unknownTokens.inc(unknownTokens);
    if (resets > 0) deps.onStateReset?.(resets);
    if (warmed > 0) deps.onWarmStart?.(version, warmed, replayed);
    for (const shadow of shadows) if (shadow.warmed > 0) deps.onWarmStart?.(shadow.runtime.loaded.version, shadow.warmed, shadow.replayed);
    const scores: ModelScores[] = buffer !== null ? [{ scorer: scorer!, buffer }] : [];
    for (const shadow of shadows) if (shadow.scores !== null) scores.push(shadow.scores);
    return { ...decoded, models, applied, outputs, steps, touched, shadows, scores };
  });
}
