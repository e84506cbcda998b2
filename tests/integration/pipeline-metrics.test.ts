import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMetricsServer } from '../../src/metrics/metrics-server.js';
import { createWorld, produceInput, saveTestModel, startInProcess, tail, ticks, waitFor, worldConfig, drained, type TestWorld } from './pipeline-fixture.js';
import { integrationServices, skipIntegration, type IntegrationServices } from './services.js';
import { LATENCY_SAMPLE_EVERY } from '../../src/stream/publish-predictions.js';

/** The value of one series in Prometheus text format (exact label set), or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe.skipIf(skipIntegration)('pipeline on real Kafka and Redis: /metrics (8e)', () => {
  let services: IntegrationServices;
  let world: TestWorld;
  beforeAll(async () => {
    services = await integrationServices();
    world = await createWorld(services, 'metrics');
  });
  afterAll(async () => {
    await world?.cleanup();
    await services?.stop();
  });

  it('serves counts that match what was processed', async () => {
    const loaded = await saveTestModel(world.dir, 'tick');
    const { config } = await worldConfig(world, loaded.manifestPath);
    const good = ticks(600, 12, 99);
    const bad = [
      { key: 'SYM00', value: '{"symbol":' },
      { key: 'SYM01', value: JSON.stringify({ symbol: 'SYM01', ts: 5, price: -1 }) },
      { key: 'SYM02', value: JSON.stringify({ symbol: 'SYM02', ts: 5, price: -2 }) },
    ];
    const out = await tail(world, world.output);
    await produceInput(world, [...good.slice(0, 300), ...bad, ...good.slice(300)]);
    const run = await startInProcess(config, loaded);
    const server = await startMetricsServer({ registry: run.metrics.registry, host: '127.0.0.1', port: 0, readiness: () => run.pipeline.readiness() });
    let text: string;
    let ready: number;
    try {
      await waitFor('all predictions', () => out.records.length >= good.length);
      await waitFor('the state watermarks to reach the end of the input', () => drained(world, config));
      await waitFor('the lag gauge of the last batch', async () => {
        const t = await (await fetch(`${server.url}/metrics`)).text();
        return [0, 1, 2].every((p) => sample(t, `rnn_stream_consumer_lag_messages{topic="${world.input}",partition="${p}"}`) === 0);
      });
      text = await (await fetch(`${server.url}/metrics`)).text();
      ready = (await fetch(`${server.url}/readyz`)).status;
    } finally {
      await server.close();
      await run.stop();
    }
    expect(sample(text, 'rnn_stream_events_total{outcome="applied"}')).toBe(good.length);
    expect(sample(text, 'rnn_stream_events_total{outcome="rejected"}')).toBe(bad.length);
    expect(sample(text, 'rnn_stream_events_total{outcome="skipped_duplicate"}')).toBe(0);
    expect(sample(text, 'rnn_stream_rejected_events_total{reason="malformed_json"}')).toBe(1);
    expect(sample(text, 'rnn_stream_rejected_events_total{reason="non_positive_price"}')).toBe(2);
    expect(sample(text, 'rnn_stream_predictions_total')).toBe(good.length);
    expect(sample(text, 'rnn_stream_dead_letters_total')).toBe(bad.length);
    expect(sample(text, 'rnn_stream_active_keys')).toBe(12);
    expect(sample(text, 'rnn_stream_batches_in_flight')).toBe(0);
    expect(sample(text, `rnn_stream_model_info{model="it-tick",version="${loaded.version}",cell="gru"}`)).toBe(1);
    // One prediction in LATENCY_SAMPLE_EVERY (1: every one) is observed, counted from the first.
    expect(sample(text, 'rnn_stream_end_to_end_latency_seconds_count')).toBe(Math.ceil(good.length / LATENCY_SAMPLE_EVERY));
    expect(sample(text, 'rnn_stream_state_io_duration_seconds_count{op="load"}')).toBe(3);
    expect(ready).toBe(200);
    await out.stop();
  }, 180_000);
});
