import { Counter, Gauge, type Registry } from 'prom-client';
import { liveModelList, type LiveModelSet } from '../runtime/live-models.js';

/** Metrics of the live model set: swaps, warm starts, which versions run in which role. */
export interface LiveModelMetrics {
  /** Sets rnn_stream_live_model_info to 1 for each model of `set` (removing the series of models no longer live). */
  show(set: LiveModelSet): void;
  /** Counts a change of the live set that took effect (`applied`) or was refused (`refused`), or a failed load (`failed`). */
  swap(result: 'applied' | 'refused' | 'failed'): void;
  /** Counts `keys` states warmed up for `version` over `events` recent inputs in all. */
  warmStart(version: string, keys: number, events: number): void;
  /** Counts shadow predictions produced to the shadow topic. */
  shadowProduced(count: number): void;
  /** Counts a failed send of a batch's shadow predictions. */
  shadowError(): void;
}

/**
 * Creates the live-model metrics on `registry` (once per registry; a second call reuses them).
 * Labels are bounded: a role (champion, shadow), a model and its version (named `model` and
 * `version` as in rnn_stream_model_info and the rnn_stream_live_* scores, so they join; a handful
 * are live at once, and series of versions no longer live are removed), a result.
 */
export function createLiveModelMetrics(registry: Registry): LiveModelMetrics {
  const existing = <T>(name: string): T | undefined => registry.getSingleMetric(name) as T | undefined;
  const info =
    existing<Gauge<'role' | 'model' | 'version'>>('rnn_stream_live_model_info') ??
    new Gauge({ name: 'rnn_stream_live_model_info', help: 'The models the pipeline runs (value 1): the champion, whose predictions are published, and its shadows.', labelNames: ['role', 'model', 'version'] as const, registers: [registry] });
  const swaps =
    existing<Counter<'result'>>('rnn_stream_model_swaps_total') ??
    new Counter({ name: 'rnn_stream_model_swaps_total', help: 'Changes of the live model set from the registry: applied, refused (a model that reads other events), failed (cannot load).', labelNames: ['result'] as const, registers: [registry] });
  const warmKeys =
    existing<Counter<'version'>>('rnn_stream_warm_starts_total') ??
    new Counter({ name: 'rnn_stream_warm_starts_total', help: 'Key states of another model version replaced by this version warmed up over the key\'s recent inputs.', labelNames: ['version'] as const, registers: [registry] });
  const warmEvents =
    existing<Counter<'version'>>('rnn_stream_warm_start_events_total') ??
    new Counter({ name: 'rnn_stream_warm_start_events_total', help: 'Recent input events replayed through a model to warm up key states.', labelNames: ['version'] as const, registers: [registry] });
  const shadowOut =
    existing<Counter>('rnn_stream_shadow_predictions_total') ??
    new Counter({ name: 'rnn_stream_shadow_predictions_total', help: 'Shadow model predictions produced to model.shadowTopic.', registers: [registry] });
  const shadowErrors =
    existing<Counter>('rnn_stream_shadow_produce_errors_total') ??
    new Counter({ name: 'rnn_stream_shadow_produce_errors_total', help: 'Batches whose shadow predictions could not be produced (not retried).', registers: [registry] });
  return {
    shadowProduced(count) {
      shadowOut.inc(count);
    },
    shadowError() {
      shadowErrors.inc();
    },
    show(set) {
      info.reset();
      for (const m of liveModelList(set)) info.labels(m.role, m.runtime.loaded.manifest.name, m.runtime.loaded.version).set(1);
    },
    swap(result) {
      swaps.labels(result).inc();
    },
    warmStart(version, keys, events) {
      warmKeys.labels(version).inc(keys);
      warmEvents.labels(version).inc(events);
    },
  };
}
