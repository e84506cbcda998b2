export { CALM, REGIMES, TURBULENT, stationaryShares, type Regime, type RegimeParams } from './regime.js';
export { DEFAULT_MARKET_OPTIONS, MAX_SYMBOLS, SECONDS_PER_YEAR, resolveMarketOptions, type MarketOptions, type SymbolOrder } from './market-options.js';
export { newSimTick, tickToJson, type SimTick } from './sim-tick.js';
export { symbolName } from './symbol-name.js';
export { SyntheticMarket } from './synthetic-market.js';
export { TokenBucket } from './token-bucket.js';
export { paceTicks, REAL_CLOCK, type PaceClock, type PaceTicksOptions, type PaceTicksResult } from './pace-ticks.js';
export { TickBatches, type PendingBatch } from './tick-batches.js';
