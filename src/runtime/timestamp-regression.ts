import { MEM_PREV_TS, MEM_SEEN } from '../features/feature-memory.js';

/**
 * What counts as a timestamp regression: an event whose `ts` is earlier than the previous event
 * of its key (`memory` is the key's feature memory, before the event is applied; a key's first
 * event never regresses; an equal `ts` does not). The one rule for serving, backtest and the
 * `events.timestampPolicy: reject` check.
 */
export function isTimestampRegression(memory: Float64Array, ts: number): boolean {
  return memory[MEM_SEEN] !== 0 && ts < memory[MEM_PREV_TS];
}
