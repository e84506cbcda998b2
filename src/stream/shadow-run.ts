import type { ModelEvent } from '../events/model-event.js';
import type { LiveScorer } from '../quality/live-scorer.js';
import type { ModelRuntime } from '../runtime/model-runtime.js';
import { warmStart } from '../runtime/warm-start.js';
import type { KeyState } from '../state/key-state.js';
import type { RecentInputs } from '../state/recent-inputs.js';
import type { ModelScores } from './batch-stages.js';

/** What one shadow model did over one batch: its outputs beside the champion's, and the states it touched. */
export interface ShadowOutputs {
  readonly runtime: ModelRuntime;
  /** Head output for applied[i] at [i * outputSize, (i + 1) * outputSize); NaN where the shadow's step was not finite. */
  readonly outputs: Float32Array;
  /** Step count of applied[i]'s key in the shadow's state (0 where the step was not finite). */
  readonly steps: Float64Array;
  /** The shadow's states of the keys the batch touched, after the batch. */
  readonly touched: Map<string, KeyState>;
}

/**
 * One shadow model advanced beside the champion over a batch. A key's shadow state is used only
 * when it followed the very events the champion's state did (same last applied offset); otherwise
 * (a new shadow, a shadow removed and added again, states lost) it is warmed up from the
 * champion's recent inputs first, as at a swap. With a scorer, each key's previous shadow
 * prediction is scored against the event before the shadow's step applies it, exactly as the
 * champion's is (quality/live-scorer.ts). Allocates nothing per event beyond warm starts.
 */
export class ShadowRun implements ShadowOutputs {
  readonly runtime: ModelRuntime;
  readonly outputs: Float32Array;
  readonly steps: Float64Array;
  readonly touched = new Map<string, KeyState>();
  /** The shadow's live scores of this batch (null: not scored), folded once the batch is published. */
  readonly scores: ModelScores | null;
  private readonly states: Map<string, KeyState>;
  private readonly version: string;
  /** Keys warmed up, and events replayed for them, in this batch. */
  warmed = 0;
  replayed = 0;

  constructor(runtime: ModelRuntime, states: Map<string, KeyState>, events: number, scorer?: LiveScorer) {
    this.runtime = runtime;
    this.scores = scorer ? { scorer, buffer: scorer.begin(events) } : null;
    this.states = states;
    this.version = runtime.loaded.version;
    this.outputs = new Float32Array(events * runtime.out.length);
    this.steps = new Float64Array(events);
  }

  /**
   * Advances the shadow's state of `key` by `event` (offset `offset`), the applied event number
   * `index` of the batch. `championOffset`: the last offset the champion's state of the key had
   * applied before this event; `recent`: the champion's recent inputs before it.
   */
  advance(key: string, event: ModelEvent, offset: number, index: number, championOffset: number, recent: RecentInputs | undefined): void {
    const runtime = this.runtime;
    let state = this.states.get(key);
    if (state === undefined || state.modelVersion !== this.version || state.lastOffset !== championOffset) {
      const warm = warmStart(runtime, key, recent, false);
      state = warm.state;
      if (warm.replayed > 0) {
        this.warmed++;
        this.replayed += warm.replayed;
      }
      this.states.set(key, state);
    }
    const size = runtime.out.length;
    const scores = this.scores;
    const scored = scores !== null && scores.scorer.score(scores.buffer, state, event);
    if (runtime.advance(state, event) === 'non_finite') {
      if (scored) scores.scorer.retract(scores.buffer);
      this.outputs.fill(Number.NaN, index * size, (index + 1) * size);
    } else {
      if (scored) scores.scorer.complete(scores.buffer, runtime.out);
      state.lastOffset = offset;
      this.outputs.set(runtime.out, index * size);
      this.steps[index] = state.step;
    }
    this.touched.set(key, state);
  }
}
