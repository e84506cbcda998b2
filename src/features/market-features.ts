/**
 * Per-key market features of one tick, in the order the manifest's `features.inputs` lists them:
 *
 *     log_return  ln(price_t / price_{t-1}); 0 on a key's first tick
 *     log_volume  ln(1 + volume)
 *     time_gap    ln(1 + seconds since the key's previous tick); 0 on the first tick, and 0 when
 *                 the timestamp went backwards
 */
import type { ModelEvent } from '../events/model-event.js';
import { MEM_PREV_PRICE, MEM_PREV_TS, MEM_SEEN } from './feature-memory.js';

export const MARKET_INPUTS = ['log_return', 'log_volume', 'time_gap'] as const;
export type MarketInput = (typeof MARKET_INPUTS)[number];

/**
 * Computes one raw (unnormalised) market input; memory holds the key's previous tick.
 * `logReturn`: the tick's log return when the caller has it already (the same expression), else
 * undefined.
 */
export function marketInput(input: MarketInput, event: ModelEvent, memory: Float64Array, logReturn?: number): number {
  if (event.kind !== 'tick') return 0;
  const seen = memory[MEM_SEEN] !== 0;
  switch (input) {
    case 'log_return':
      return seen ? (logReturn ?? logReturnInput(event.price, memory[MEM_PREV_PRICE])) : 0;
    case 'log_volume':
      return logVolumeInput(event.volume);
    case 'time_gap':
      return seen ? timeGapInput(event.ts, memory[MEM_PREV_TS]) : 0;
  }
}

/** `log_return` of a tick at `price` whose key's previous tick was at `previousPrice`. */
export function logReturnInput(price: number, previousPrice: number): number {
  return Math.log(price / previousPrice);
}

/** `log_volume` of a tick. */
export function logVolumeInput(volume: number): number {
  return Math.log1p(volume);
}

/** `time_gap` of a tick at `ts` (epoch ms) whose key's previous tick was at `previousTs`. */
export function timeGapInput(ts: number, previousTs: number): number {
  return Math.log1p(Math.max(0, ts - previousTs) / 1000);
}
