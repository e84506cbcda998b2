export type { EventKind, ModelEvent, TickEvent, VectorEvent } from './model-event.js';
export { REJECT_REASONS, type RejectReason, type Rejection } from './reject-reason.js';
export { DEFAULT_DECODE_LIMITS, decodeEvent, parseTimestamp, validateEvent, type DecodeOptions, type DecodeResult } from './decode-event.js';
export { buildPrediction, decodeOutput, type EventSource, type Prediction } from './prediction.js';
export { decodeOptionsForModel, type DecodeLimits } from './decode-options-for-model.js';
