import { FEATURE_MEMORY_SIZE } from '../features/feature-memory.js';
import type { RecentInputs } from './recent-inputs.js';

/** Everything kept for one entity key between its events. */
export interface KeyState {
  /** Recurrent state: h of each layer, then c of each layer (LSTM); float32 as the model uses it. */
  readonly hidden: Float32Array;
  /** Feature-transform memory (previous price, previous ts, seen flag). */
  readonly memory: Float64Array;
  /** Number of this key's events applied so far (the step of the last prediction). */
  step: number;
  /** Version of the model the state belongs to; a state of another version is never advanced. */
  modelVersion: string;
  /** Offset of the last event applied to this key within its input partition; -1 before any. */
  lastOffset: number;
  /**
   * The key's last W input events (model.warmStartInputs), from which another model's state is
   * warmed up at a swap; absent when W is 0 (or in a state stored without them).
   */
  recent?: RecentInputs;
}

/** A fresh state: zero h/c (PyTorch's default h_0), empty feature memory, step 0. */
export function newKeyState(stateSize: number, modelVersion: string, recent?: RecentInputs): KeyState {
  return {
    ...(recent ? { recent } : {}),
    hidden: new Float32Array(stateSize),
    memory: new Float64Array(FEATURE_MEMORY_SIZE),
    step: 0,
    modelVersion,
    lastOffset: -1,
  };
}
