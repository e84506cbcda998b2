import { createFeatureTransform } from '../features/create-feature-transform.js';
import { FEATURE_MEMORY_SIZE, MEM_PREV_TS, MEM_SEEN } from '../features/feature-memory.js';
import type { FeatureTransform } from '../features/feature-transform.js';
import type { LoadedModel } from '../model/load-model.js';
import type { Stepper } from '../model/rnn-model.js';
import { newKeyState, type KeyState } from '../state/key-state.js';
import type { ModelEvent } from '../events/model-event.js';
import { outcomeMemoryParams, updateOutcomeMemory, type OutcomeMemoryParams } from './outcome-memory.js';
import { isSequenceGap } from './sequence-gap.js';
import { isTimestampRegression } from './timestamp-regression.js';
import { RecentInputs, recentInputStride } from '../state/recent-inputs.js';
import { eventShape, type EventShape } from './event-shape.js';

/** Options of a {@link ModelRuntime}. */
export interface ModelRuntimeOptions {
  /** Input events kept per key for warm starts (model.warmStartInputs); 0 (default) keeps none. */
  readonly recentInputs?: number;
}

/**
 * One model, ready to advance keys: its stepper, feature transform and preallocated input and
 * output buffers. Not shareable between concurrent callers (it owns scratch); create one per
 * worker. Advancing allocates nothing.
 */
export class ModelRuntime {
  readonly loaded: LoadedModel;
  readonly transform: FeatureTransform;
  /** The model input of the last advanced event (normalised features). */
  readonly x: Float32Array;
  /** The head output of the last advanced event; overwritten by the next call. */
  readonly out: Float32Array;
  private readonly stepper: Stepper;
  private readonly resetAfterEnd: boolean;
  /** Gap (ms) that starts a new many-to-one sequence; Infinity when the manifest sets none. */
  private readonly sequenceGapMs: number;
  /** The state before the step, restored when the step produced a non-finite value. */
  private readonly savedHidden: Float32Array;
  private readonly savedMemory: Float64Array;
  /** The EWMA variance the key's outcomes keep for live scoring (outcome-memory.ts). */
  readonly outcomeParams: OutcomeMemoryParams;
  /** What the model reads from the input topic. */
  readonly shape: EventShape;
  /** Input events kept per key (0: none). */
  readonly recentCapacity: number;
  /** Numbers per kept event (state/recent-inputs.ts). */
  readonly recentStride: number;

  constructor(loaded: LoadedModel, options: ModelRuntimeOptions = {}) {
    this.loaded = loaded;
    this.shape = eventShape(loaded.manifest);
    this.recentCapacity = options.recentInputs ?? 0;
    if (!Number.isInteger(this.recentCapacity) || this.recentCapacity < 0) throw new RangeError(`recentInputs ${this.recentCapacity} is not an integer >= 0`);
    this.recentStride = recentInputStride(this.shape.kind, this.shape.width);
    this.transform = createFeatureTransform(loaded.manifest, loaded.embedding);
    this.stepper = loaded.model.newStepper();
    this.x = new Float32Array(loaded.model.spec.inputSize);
    this.out = new Float32Array(loaded.model.spec.outputSize);
    this.resetAfterEnd = loaded.manifest.outputMode === 'many_to_one';
    this.sequenceGapMs = this.resetAfterEnd ? (loaded.manifest.sequenceGapMs ?? Infinity) : Infinity;
    this.savedHidden = new Float32Array(loaded.model.stateSize);
    this.savedMemory = new Float64Array(FEATURE_MEMORY_SIZE);
    this.outcomeParams = outcomeMemoryParams(loaded.manifest);
  }

  /** A fresh state for a key seen for the first time (`withRecent` false: without recent inputs, as a shadow's). */
  newKeyState(withRecent = true): KeyState {
    const recent = withRecent && this.recentCapacity > 0 ? new RecentInputs(this.recentCapacity, this.recentStride) : undefined;
    return newKeyState(this.loaded.model.stateSize, this.loaded.version, recent);
  }

  /**
   * Makes `state`'s recent inputs fit this runtime's capacity (a state read from the store keeps
   * as many as it had; a changed model.warmStartInputs keeps the newest). Allocates only when they
   * do not fit already, i.e. once per key after a load.
   */
  fitRecent(state: KeyState): void {
    const recent = state.recent;
    if (this.recentCapacity === 0) {
      if (recent !== undefined) state.recent = undefined;
      return;
    }
    if (recent !== undefined && recent.capacity === this.recentCapacity && recent.stride === this.recentStride) return;
    state.recent = recent !== undefined && recent.stride === this.recentStride ? recent.resized(this.recentCapacity) : new RecentInputs(this.recentCapacity, this.recentStride);
  }

  /**
   * Applies `event` to `state` (in place): the key's outcome memory (outcome-memory.ts), features,
   * one RNN step, the head output into {@link out}, step + 1. Many-to-one models reset h/c after an event marked `end`, and
   * before an event that comes more than the manifest's `sequenceGapMs` after its key's previous
   * one (sequence-gap.ts, the rule training's sequence ends use too).
   *
   * Returns `applied`, or `backwards` when the event's timestamp went back for its key (it is
   * applied anyway), or `non_finite` when the step produced a NaN or infinity in the output or
   * the state (a diverging model, e.g. an unbounded relu recurrence): then the key's state is
   * left exactly as it was, and {@link out} must not be used. Allocates nothing.
   */
  advance(state: KeyState, event: ModelEvent): AdvanceResult {
    const hidden = state.hidden;
    this.savedHidden.set(hidden);
    this.savedMemory.set(state.memory);
    const backwards = isTimestampRegression(state.memory, event.ts);
    if (state.memory[MEM_SEEN] !== 0 && isSequenceGap(state.memory[MEM_PREV_TS], event.ts, this.sequenceGapMs)) hidden.fill(0);
    // The tick's log return is computed once, for the outcome memory and the features.
    const logReturn = updateOutcomeMemory(state.memory, event, this.outcomeParams);
    this.transform.apply(event, state.memory, this.x, logReturn);
    this.stepper.step(hidden, this.x, this.out);
    if (!allFinite(this.out) || !allFinite(hidden)) {
      hidden.set(this.savedHidden);
      state.memory.set(this.savedMemory);
      return 'non_finite';
    }
    state.step += 1;
    if (this.resetAfterEnd && event.end) hidden.fill(0);
    return backwards ? 'backwards' : 'applied';
  }
}

/** What {@link ModelRuntime.advance} did with an event. */
export type AdvanceResult = 'applied' | 'backwards' | 'non_finite';

function allFinite(values: Float32Array): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}
