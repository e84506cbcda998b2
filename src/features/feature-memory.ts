/**
 * Layout of a key's memory (Float64Array, stored with the key's state): what the feature
 * transform keeps (previous price, previous ts, whether the key has seen an event), then what
 * the key's outcomes leave for live scoring (runtime/outcome-memory.ts): its latest log return,
 * how many returns it has had, and the EWMA variance of its returns (the volatility baseline).
 * Keys of vector and token events use the three outcome slots for their own outcomes: the latest
 * target (a vector event's one-number `target`; a token's id), how many there were, and (tokens)
 * whether the latest token ended a sequence.
 *
 * A state stored by a build whose memory had only the first three slots decodes with the
 * outcome slots at 0 (no return seen yet): see state/key-state-codec.ts.
 */
export const FEATURE_MEMORY_SIZE = 6;
export const MEM_PREV_PRICE = 0;
export const MEM_PREV_TS = 1;
export const MEM_SEEN = 2;
/** ln(price_t / price_{t-1}) of the key's latest tick; 0 until its second tick. */
export const MEM_LAST_RETURN = 3;
/** Number of log returns the key has had (its ticks - 1), capped at 2^53. */
export const MEM_RETURNS = 4;
/** RiskMetrics EWMA of the key's squared returns; meaningful once MEM_RETURNS > 0. */
export const MEM_EWMA_VARIANCE = 5;
/** Slots a state written before the outcome slots existed has. */
export const LEGACY_MEMORY_SIZE = 3;
/** Vector and token keys: the latest outcome (a one-number vector `target`, a token id); shares MEM_LAST_RETURN's slot. */
export const MEM_LAST_TARGET = 3;
/** Vector and token keys: how many such outcomes the key has had; shares MEM_RETURNS's slot. */
export const MEM_TARGETS = 4;
/** Token keys: 1 when the latest token ended a sequence (`end`), else 0; shares MEM_EWMA_VARIANCE's slot. */
export const MEM_LAST_END = 5;
