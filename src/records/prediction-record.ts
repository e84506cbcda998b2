import type { LoadedModel } from '../model/load-model.js';
import type { OutboxMessage } from '../state/state-store.js';
import { predictionHeaders, type PredictionHeaderMode } from './prediction-headers.js';
import { PredictionWriter, ascii, copy, jsonString } from './prediction-writer.js';

/** Bytes reserved per prediction when a batch's value buffer is sized (grown when a value needs more). */
const BYTES_PER_PREDICTION = 320;

/**
 * Builds the prediction messages of one model: key = entity key; value = JSON {key, ts, model,
 * modelVersion, step, output, [decoded], source: {topic, partition, offset}} written by the
 * model's PredictionWriter (byte for byte what JSON.stringify of the Prediction object writes);
 * headers as `headers` says (prediction-headers.ts). Deterministic: the same event, step and
 * output give the same bytes, so a repeated prediction is identical.
 *
 * Use: `begin` a batch of one input partition, then `record` each applied event in order. The
 * values of a batch are views of one buffer, never reused, so records stay valid after the batch.
 */
export class PredictionRecords {
  private readonly writer: PredictionWriter;
  private readonly model: string;
  private readonly version: string;
  private topic = '';
  private partitionText = '';
  private sourceHead = Buffer.alloc(0);
  private bytes = Buffer.alloc(0);
  private at = 0;
  private left = 0;

  constructor(
    loaded: LoadedModel,
    private readonly headers: PredictionHeaderMode,
  ) {
    this.writer = new PredictionWriter(loaded.manifest, loaded.version);
    this.model = loaded.manifest.name;
    this.version = loaded.version;
  }

  /** Starts a batch of `count` predictions for events of `topic`/`partition`. */
  begin(topic: string, partition: number, count: number): void {
    this.topic = topic;
    this.partitionText = String(partition);
    this.sourceHead = Buffer.from(`,"source":{"topic":${JSON.stringify(topic)},"partition":${this.partitionText},"offset":`, 'utf8');
    this.bytes = Buffer.allocUnsafe(count * BYTES_PER_PREDICTION);
    this.at = 0;
    this.left = count;
  }

  /** The message of one applied event at input `offset`; `out` (the head output) is read, not kept. */
  record(event: { readonly key: string; readonly ts: number }, step: number, out: Float32Array, offset: string): OutboxMessage {
    const room = this.writer.maxBodyBytes(event.key.length) + this.sourceHead.length + 6 * offset.length + 4;
    if (this.bytes.length - this.at < room) {
      this.bytes = Buffer.allocUnsafe(Math.max(this.left * BYTES_PER_PREDICTION, room));
      this.at = 0;
    }
    const bytes = this.bytes;
    const start = this.at;
    let at = this.writer.encodeBody(bytes, start, event.key, event.ts, step, out);
    at = copy(bytes, at, this.sourceHead);
    at = jsonString(bytes, at, offset);
    at = ascii(bytes, at, '}}');
    const value = bytes.subarray(start, at);
    this.at = at;
    this.left--;
    const headers = predictionHeaders(this.headers, this.topic, this.partitionText, offset, this.model, this.version);
    return headers === undefined ? { key: event.key, value } : { key: event.key, value, headers };
  }
}
