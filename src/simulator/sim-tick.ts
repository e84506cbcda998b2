import type { Regime } from './regime.js';

/**
 * One simulated tick, written in place by SyntheticMarket.next (reuse one object: no allocation
 * per tick). The contract fields are symbol, ts, price, volume; symbolIndex and regime are the
 * simulator's ground truth, never serialised.
 */
export interface SimTick {
  symbol: string;
  /** Position of the symbol in SyntheticMarket.symbols. */
  symbolIndex: number;
  /** Epoch milliseconds. */
  ts: number;
  /** Rounded to the tick size; always > 0. */
  price: number;
  /** Integer >= 1. */
  volume: number;
  /** The regime the tick's price change was drawn in. */
  regime: Regime;
}

/** An empty tick to pass to SyntheticMarket.next. */
export function newSimTick(): SimTick {
  return { symbol: '', symbolIndex: -1, ts: 0, price: 0, volume: 0, regime: 'calm' };
}

/** The tick as the input-event contract's JSON: {"symbol","ts","price","volume"}. */
export function tickToJson(tick: SimTick): string {
  return `{"symbol":${JSON.stringify(tick.symbol)},"ts":${tick.ts},"price":${tick.price},"volume":${tick.volume}}`;
}
