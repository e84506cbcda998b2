/** An input event after decoding and validation: a generic feature vector. */
export interface VectorEvent {
  readonly kind: 'vector';
  readonly key: string;
  /** Epoch milliseconds. */
  readonly ts: number;
  readonly features: readonly number[];
  /** Marks the last event of a sequence (many-to-one models reset the key's state after it). */
  readonly end: boolean;
  /**
   * The event's `target` (a number as one value, or an array of numbers), what models of the
   * `value` and `class` targets are trained and scored live against; absent when the event has
   * none or it is not finite numbers.
   */
  readonly target?: readonly number[];
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

/** An input event after decoding and validation: one token of a key's text, as a vocabulary id. */
export interface TokenEvent {
  readonly kind: 'token';
  readonly key: string;
  /** Epoch milliseconds. */
  readonly ts: number;
  /** Row of the embedding: the token's id, or the vocabulary's unknown id. */
  readonly id: number;
  /** The event's `token` was not in the vocabulary (id is the unknown id). */
  readonly unknown: boolean;
  readonly end: boolean;
}

/** Any decoded input event. */
export type ModelEvent = VectorEvent | TickEvent | TokenEvent;

/** Which event shape a model reads: `vector` events carry `features`, `tick` events a price. */
export type EventKind = ModelEvent['kind'];
