import type { KeyState } from '../state/key-state.js';
import type { RecentInputs } from '../state/recent-inputs.js';
import type { ModelRuntime } from './model-runtime.js';

/**
 * A key's state for `runtime`'s model, warmed up from `recent` (the key's last input events, kept
 * in its state under another model version): a fresh state of the model, advanced over those
 * events oldest first, exactly as the model would have advanced over them live (features,
 * sequence gaps and ends, non-finite steps skipped), so the key's next prediction equals a
 * backtest of the model over those events followed by the next one. Without recent inputs (or
 * kept for events of another shape) the state starts fresh.
 *
 * `keepRecent`: the warmed state takes over `recent` (the champion's own state); false for a
 * shadow's state, which keeps none (it warms up from the champion's). Allocates (once per key and
 * swap). Uses `runtime.out` as scratch: call it before the key's next event is advanced.
 */
export function warmStart(runtime: ModelRuntime, key: string, recent: RecentInputs | undefined, keepRecent = true): { state: KeyState; replayed: number } {
  const state = runtime.newKeyState(keepRecent);
  if (recent === undefined || recent.stride !== runtime.recentStride) return { state, replayed: 0 };
  const kind = runtime.shape.kind;
  const capacity = keepRecent ? runtime.recentCapacity : recent.count;
  let replayed = 0;
  for (let i = Math.max(0, recent.count - capacity); i < recent.count; i++) {
    runtime.advance(state, recent.event(i, key, kind));
    replayed++;
  }
  if (keepRecent && runtime.recentCapacity > 0) {
    state.recent = recent;
    runtime.fitRecent(state);
  }
  return { state, replayed };
}
