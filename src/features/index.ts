export { FEATURE_MEMORY_SIZE, MEM_PREV_PRICE, MEM_PREV_TS, MEM_SEEN } from './feature-memory.js';
export type { FeatureTransform } from './feature-transform.js';
export { MARKET_INPUTS, marketInput, type MarketInput } from './market-features.js';
export { createFeatureTransform } from './create-feature-transform.js';
