/**
 * The raw market inputs of one key's ticks in one pass over its rows: what the unnormalised
 * serving transform (features/create-feature-transform.ts, mean 0 and std 1, which writes the
 * raw value exactly) writes for them from a fresh feature memory, without an event object, a
 * memory array or a call per input and step. The inputs are computed by the formulas of
 * features/market-features.ts (logReturnInput, logVolumeInput, timeGapInput), the ones the
 * transform uses; tests/train/dataset-inputs.test.ts checks the bits against the transform.
 */
import { logReturnInput, logVolumeInput, timeGapInput, type MarketInput } from '../features/market-features.js';
import type { KeyEvents } from './key-events.js';

const LOG_RETURN = 0;
const LOG_VOLUME = 1;
const TIME_GAP = 2;
const CODES: Readonly<Record<MarketInput, number>> = { log_return: LOG_RETURN, log_volume: LOG_VOLUME, time_gap: TIME_GAP };

/**
 * Writes the raw inputs (`inputs` in order) of every tick of `events` into `out` (T x
 * inputs.length, float64) and adds the float32 value of every input of the steps below `cut` to
 * `sum`, as dataset-inputs.ts's transform pass does.
 */
export function marketKeyInputs(events: KeyEvents, inputs: readonly MarketInput[], out: Float64Array, cut: number, sum: Float64Array): void {
  const n = inputs.length;
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) codes[i] = CODES[inputs[i]];
  const T = events.length;
  let previousPrice = 0;
  let previousTs = 0;
  for (let t = 0, row = 0; t < T; t++, row += n) {
    const ts = events.ts(t);
    const price = events.price(t);
    // The key's first tick has no previous one: log_return and time_gap are 0, as from a fresh memory.
    const first = t === 0;
    for (let i = 0; i < n; i++) {
      const code = codes[i];
      out[row + i] =
        code === LOG_RETURN ? (first ? 0 : logReturnInput(price, previousPrice)) : code === LOG_VOLUME ? logVolumeInput(events.volume(t)) : first ? 0 : timeGapInput(ts, previousTs);
    }
    if (t < cut) for (let i = 0; i < n; i++) sum[i] += Math.fround(out[row + i]);
    previousPrice = price;
    previousTs = ts;
  }
}
