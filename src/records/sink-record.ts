import type { RecordHeaders } from './record-headers.js';

/** One record to produce: predictions (string key, JSON value) or dead letters (original bytes). */
export interface SinkRecord {
  readonly key: Buffer | string | null;
  readonly value: Buffer | null;
  /** None on predictions by default (`kafka.outputHeaders`); dead letters always have them. */
  readonly headers?: RecordHeaders;
}
