/**
 * Layout of a key's feature memory (Float64Array, stored with the key's state):
 * the previous price, the previous event's timestamp, and whether the key has seen an event.
 */
export const FEATURE_MEMORY_SIZE = 3;
export const MEM_PREV_PRICE = 0;
export const MEM_PREV_TS = 1;
export const MEM_SEEN = 2;
