/** An input event after decoding and validation: a generic feature vector. */
export interface VectorEvent {
  readonly kind: 'vector';
  readonly key: string;
  /** Epoch milliseconds. */
  readonly ts: number;
  readonly features: readonly number[];
  /** Marks the last event of a sequence (many-to-one models reset the key's state after it). */
  readonly end: boolean;
}

/** An input event after decoding and validation: one market tick of a symbol. */
export interface TickEvent {
  readonly kind: 'tick';
  readonly key: string;
  /** Epoch milliseconds. */
  readonly ts: number;
  /** Strictly positive. */
  readonly price: number;
  /** Non-negative; 0 when the tick carries no volume. */
  readonly volume: number;
  readonly end: boolean;
}

/** Any decoded input event. */
export type ModelEvent = VectorEvent | TickEvent;

/** Which event shape a model reads: `vector` events carry `features`, `tick` events a price. */
export type EventKind = ModelEvent['kind'];
