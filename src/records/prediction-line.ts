import type { Prediction } from './prediction.js';

/**
 * The JSON line `backtest` writes for a prediction: the prediction and where its event came
 * from, `line` for a file (partition -1, pos = line), `partition` and `offset` for a Kafka topic. Training writes the same
 * line for its validation events, so the two can be compared byte for byte.
 */
export function predictionLine(p: Prediction, at: { readonly partition: number; readonly pos: number }): string {
  return at.partition < 0 ? JSON.stringify({ ...p, line: at.pos }) : JSON.stringify({ ...p, partition: at.partition, offset: String(at.pos) });
}
