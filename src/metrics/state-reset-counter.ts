import { Counter, type Registry } from 'prom-client';

const NAME = 'rnn_stream_state_resets_total';

/**
 * rnn_stream_state_resets_total on `registry` (created once per registry): key states found
 * with another model version and replaced by fresh ones (no recent inputs to warm up from). Returns the function that counts.
 */
export function stateResetCounter(registry: Registry): (count: number) => void {
  const counter =
    (registry.getSingleMetric(NAME) as Counter | undefined) ??
    new Counter({ name: NAME, help: 'Key states of another model version replaced by fresh states (never advanced; no recent inputs to warm up from).', registers: [registry] });
  return (count) => counter.inc(count);
}
