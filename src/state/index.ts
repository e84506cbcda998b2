export { newKeyState, type KeyState } from './key-state.js';
export type { BatchWrite, Outbox, OutboxMessage, PartitionRef, PartitionSnapshot, StateStore } from './state-store.js';
export { decodeKeyState, encodedKeyStateLength, encodeKeyState, encodeKeyStateInto, KEY_STATE_FORMAT_VERSION } from './key-state-codec.js';
export { decodeOutboxMessages, encodeOutboxMessages, OUTBOX_FORMAT_VERSION } from './outbox-codec.js';
export { checkBatchWrite, checkPartitionRef } from './check-batch-write.js';
export { MemoryStateStore } from './memory-state-store.js';
export { StateCorruptError, type StateCorruptContext } from '../errors/state-corrupt-error.js';
export { StateFencedError, type StateFencedContext } from '../errors/state-fenced-error.js';
export { StateStoreError, type StateStoreErrorContext } from '../errors/state-store-error.js';
