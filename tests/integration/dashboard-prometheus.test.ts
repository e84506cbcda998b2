/**
 * The dashboard and the latency histogram proven against real scrapes: a real `rnn-stream run`
 * (child process) on the real Kafka and Redis under steady load, scraped every second by a real
 * Prometheus with the repository's rules. Every panel query of the generated dashboard is run
 * through Prometheus' HTTP API and must answer non-empty, finite and plausible values; the
 * end-to-end latency p50/p99 from the histogram must be within 20% of the truth measured from
 * the output records' append timestamps (the output topic uses LogAppendTime).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD_ROWS } from '../../deploy/grafana/dashboard/panel-specs.js';
import { createWorld, waitFor, worldConfig, type TestWorld } from './pipeline-fixture.js';
import { freePort, startPrometheus, type PrometheusServer, type PromSample } from './prometheus-server.js';
import { integrationServices, skipIntegration, type IntegrationServices } from './services.js';
import { skipWithoutTool } from '../deploy/system-tool.js';
import { createTopicsReady } from '../../src/kafka/create-topics-ready.js';

const JOB = 'rnn-stream-it';
const RATE = 300;
const LOAD_MS = 25_000;
const SYMBOLS = 40;
/** One malformed message per this many valid ones. */
const MALFORMED_EVERY = 250;

/** What a plausible answer of one panel query is: every value within [min, max], and some series above 0 when `positive`. */
interface Plausible {
  readonly min: number;
  readonly max: number;
  readonly positive?: boolean;
  /** Exactly this many series. */
  readonly series?: number;
  /** At least this many series. */
  readonly seriesAtLeast?: number;
}

/** Plausible results under this test's load, by `panel title/refId`. Every dashboard query must be listed. */
const PLAUSIBLE: Record<string, Plausible> = {
  'Events in by outcome/A': { min: 0, max: 5 * RATE, positive: true, series: 3 },
  'Predictions out/A': { min: 1, max: 5 * RATE },
  'Consumer lag per partition/A': { min: 0, max: 10 * RATE, series: 3 },
  'Event-time freshness/A': { min: 0, max: 120 },
  'End-to-end latency/A': { min: 0.0001, max: 100 },
  'End-to-end latency/B': { min: 0.0001, max: 100 },
  'Batch duration/A': { min: 0.00001, max: 10 },
  'Batch duration/B': { min: 0.00001, max: 10 },
  // A partition load happens once per assignment: its series is there only when a load fell in the window.
  'State I/O latency (p99)/A': { min: 0.00001, max: 10, seriesAtLeast: 2 },
  'Model step time per event/A': { min: 1e-8, max: 0.01 },
  'Batch size/A': { min: 1, max: 100_000 },
  'Batch size/B': { min: 1, max: 100_000 },
  'Batch size/C': { min: 1, max: 100_000 },
  // At most the largest default (1 MiB); at least one 4 KiB granule (the fixture lowers the maximum).
  'Fetch limit per partition/A': { min: 4096, max: 1_048_576, positive: true },
  'Busy and back-pressure time/A': { min: 0, max: 1.05, positive: true },
  'Busy and back-pressure time/B': { min: 0, max: 1.05 },
  'Batches by status/A': { min: 0, max: 5 * RATE, positive: true, series: 5 },
  'Commits, rebalances and produce errors/A': { min: 0.01, max: 5 * RATE },
  'Commits, rebalances and produce errors/B': { min: 0, max: 10 },
  'Commits, rebalances and produce errors/C': { min: 0, max: 0 },
  'Dead letters by reason/A': { min: 0, max: RATE, positive: true },
  'Dead-letter share/A': { min: 0.00001, max: 0.5 },
  // Skill of the demo model on this test's synthetic prices: anything up to 1 (a perfect forecast).
  'Live skill vs baseline/A': { min: -1e6, max: 1, series: 1 },
  'Live error on the primary measure/A': { min: 0, max: 1, positive: true, series: 2 },
  'Scored predictions/A': { min: 0, max: 5 * RATE, positive: true, series: 1 },
  'Drift statistic/A': { min: 0, max: 1e9, series: 1 },
  'Drift detections and command runs/A': { min: 0, max: 5 * RATE, series: 1 },
  'Drift detections and command runs/B': { min: 0, max: 0, series: 4 },
  'Live baseline/A': { min: 1, max: 1, series: 1 },
  'Model in use/A': { min: 1, max: 1, series: 1 },
  'Build/A': { min: 1, max: 1, series: 1 },
  'Ready instances/A': { min: 1, max: 1, series: 1 },
  'CPU/A': { min: 0.001, max: 4, series: 1 },
  'Memory/A': { min: 10e6, max: 4e9, series: 1 },
  'Memory/B': { min: 1e6, max: 4e9, series: 1 },
  'Event-loop lag/A': { min: 0, max: 5, series: 1 },
  'Event-loop lag/B': { min: 0, max: 5, series: 1 },
};

/** Grafana's template variables as this test's single instance fills them. */
function substitute(expr: string): string {
  return expr.replaceAll('$job', JOB).replaceAll('$instance', '.*').replaceAll('$__rate_interval', '2m');
}

function quantileOf(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

describe.skipIf(skipIntegration || skipWithoutTool('prometheus'))('dashboard queries and latency histogram against a real Prometheus', () => {
  let services: IntegrationServices;
  let world: TestWorld;
  let prometheus: PrometheusServer | undefined;
  let run: ChildProcess | undefined;
  let runLog = '';
  let valid = 0;
  let malformed = 0;
  const truth: number[] = [];

  beforeAll(async () => {
    services = await integrationServices();
    world = await createWorld(services, 'dashboard');
    const admin = world.kafka.admin();
    await admin.connect();
    try {
      await createTopicsReady(admin, [
        { topic: world.input, numPartitions: 3 },
        { topic: world.dlq, numPartitions: 3 },
        // The broker stamps each prediction when it appends it: the truth for the latency check.
        { topic: world.output, numPartitions: 3, configEntries: [{ name: 'message.timestamp.type', value: 'LogAppendTime' }] },
      ]);
    } finally {
      await admin.disconnect();
    }
    const port = await freePort();
    const { file } = await worldConfig(world, resolve('examples/models/demo-gru.json'), { metrics: { port, lagRefreshMs: 1000 }, kafka: { fetchMaxWaitMs: 50 } });
    await writeFile(`${file}.log`, '');
    run = spawn(process.execPath, ['--import', 'tsx', resolve('src/cli/bin.ts'), 'run', '--config', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    run.stdout?.on('data', (d: Buffer) => (runLog = (runLog + d.toString()).slice(-20_000)));
    run.stderr?.on('data', (d: Buffer) => (runLog = (runLog + d.toString()).slice(-20_000)));
    prometheus = await startPrometheus(JOB, [`127.0.0.1:${port}`]);
    await waitFor('the pipeline ready (partitions assigned)', async () => {
      if (run?.exitCode !== null) throw new Error(`rnn-stream run exited:\n${runLog}`);
      return fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false);
    }, 120_000);

    // Steady load: RATE events/s over SYMBOLS keys, stamped at their source a few ms before they
    // are sent (as a real producer's batching does), plus a few malformed messages.
    const tail = world.kafka.consumer({ groupId: `${world.name}-reader`, maxWaitTimeInMs: 50 });
    await tail.connect();
    await tail.subscribe({ topic: world.output, fromBeginning: true });
    await tail.run({
      eachMessage: async ({ message }) => {
        const prediction = JSON.parse(message.value!.toString()) as { ts: number };
        truth.push((Number(message.timestamp) - prediction.ts) / 1000);
      },
    });
    const producer = world.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const prices = Array.from({ length: SYMBOLS }, (_, i) => 50 + i);
    const started = Date.now();
    let sent = 0;
    while (Date.now() - started < LOAD_MS) {
      const due = Math.floor(((Date.now() - started) / 1000) * RATE);
      const messages = [];
      for (; sent < due; sent++) {
        const s = sent % SYMBOLS;
        prices[s] *= Math.exp(0.001 * Math.sin(sent));
        const symbol = `SYM${String(s).padStart(2, '0')}`;
        messages.push({ key: symbol, value: JSON.stringify({ symbol, ts: Date.now() - (sent % 7) * 2, price: prices[s], volume: 100 + (sent % 50) }) });
      }
      valid += messages.length;
      if (Math.floor(valid / MALFORMED_EVERY) > malformed) {
        messages.push({ key: 'SYM00', value: '{"symbol": "SYM00", "ts": ' });
        malformed++;
      }
      if (messages.length > 0) await producer.send({ topic: world.input, acks: -1, messages });
      await sleep(20);
    }
    await producer.disconnect();
    await waitFor(`all ${valid} predictions read back`, () => truth.length >= valid, 120_000);
    await tail.disconnect();
    // Two more scrapes after the last prediction.
    await sleep(2500);
  });

  afterAll(async () => {
    await prometheus?.stop();
    if (run && run.exitCode === null) {
      const exited = new Promise((done) => run!.once('exit', done));
      run.kill('SIGTERM');
      await exited;
    }
    await world?.cleanup();
    await services?.stop();
  });

  it('answers every panel query of the dashboard with non-empty, finite, plausible values', async () => {
    const rows: string[] = [];
    for (const row of DASHBOARD_ROWS) {
      for (const panel of row.panels) {
        for (const target of panel.targets) {
          const id = `${panel.title}/${target.refId}`;
          const rule = PLAUSIBLE[id];
          expect(rule, `no plausibility rule for ${id}`).toBeDefined();
          const samples: PromSample[] = await prometheus!.query(substitute(target.expr));
          rows.push(`| ${row.title} | ${panel.title} | ${samples.map((s) => `${seriesName(target.legend, s.labels)}${formatValue(s.value, panel.unit)}`).join(', ')} |`);
          expect(samples.length, `${id}: empty result`).toBeGreaterThan(0);
          if (rule.series !== undefined) expect(samples.length, `${id}: series`).toBe(rule.series);
          if (rule.seriesAtLeast !== undefined) expect(samples.length, `${id}: series`).toBeGreaterThanOrEqual(rule.seriesAtLeast);
          for (const s of samples) {
            expect(Number.isFinite(s.value), `${id} ${JSON.stringify(s.labels)} = ${s.value}`).toBe(true);
            expect(s.value, `${id} ${JSON.stringify(s.labels)}`).toBeGreaterThanOrEqual(rule.min);
            expect(s.value, `${id} ${JSON.stringify(s.labels)}`).toBeLessThanOrEqual(rule.max);
          }
          if (rule.positive) expect(samples.some((s) => s.value > 0), `${id}: all zero`).toBe(true);
        }
      }
    }
    expect(Object.keys(PLAUSIBLE).length).toBe(DASHBOARD_ROWS.flatMap((r) => r.panels.flatMap((p) => p.targets)).length);
    process.stdout.write(`\nDashboard panels under ${RATE} events/s (${new Date().toISOString()}):\n| Row | Panel | Values |\n|---|---|---|\n${rows.join('\n')}\n`);
  });

  it('evaluates every recording and alert rule of deploy/prometheus without error on the real series', async () => {
    const response = await fetch(`${prometheus!.url}/api/v1/rules`);
    const body = (await response.json()) as { data: { groups: { file: string; rules: { name: string; type: string; health: string; lastError?: string }[] }[] } };
    const rules = body.data.groups.flatMap((g) => g.rules);
    expect(rules.filter((r) => r.type === 'recording').length).toBeGreaterThanOrEqual(10);
    expect(rules.filter((r) => r.type === 'alerting').length).toBeGreaterThanOrEqual(9);
    for (const rule of rules) expect(`${rule.name}: ${rule.health} ${rule.lastError ?? ''}`.trim()).toBe(`${rule.name}: ok`);
    for (const recorded of ['job:rnn_stream_events_applied:rate1m', 'job:rnn_stream_predictions:rate1m', 'job_topic:rnn_stream_consumer_lag_messages:sum', 'job:rnn_stream_end_to_end_latency_seconds:p99_5m']) {
      const samples = await prometheus!.query(`${recorded}{job="${JOB}"}`);
      expect(samples.length, recorded).toBeGreaterThan(0);
      for (const s of samples) expect(Number.isFinite(s.value), `${recorded} = ${s.value}`).toBe(true);
    }
  });

  it('counts the malformed messages under their reason', async () => {
    const [sample] = await prometheus!.query(`sum(rnn_stream_rejected_events_total{job="${JOB}", reason="malformed_json"})`);
    expect(malformed).toBeGreaterThan(10);
    expect(sample.value).toBe(malformed);
  });

  it('reports end-to-end latency p50 and p99 within 20% of the truth from Kafka append timestamps', async () => {
    const sorted = [...truth].sort((a, b) => a - b);
    const lines: string[] = [];
    for (const q of [0.5, 0.99]) {
      const [fromMetric] = await prometheus!.query(`histogram_quantile(${q}, sum by (le) (rnn_stream_end_to_end_latency_seconds_bucket{job="${JOB}"}))`);
      const actual = quantileOf(sorted, q);
      lines.push(`p${q * 100}: metric ${(fromMetric.value * 1000).toFixed(2)} ms, truth ${(actual * 1000).toFixed(2)} ms (${sorted.length} predictions)`);
      expect(Math.abs(fromMetric.value / actual - 1), lines.at(-1)).toBeLessThan(0.2);
    }
    process.stdout.write(`\nEnd-to-end latency at ${RATE} events/s: ${lines.join('; ')}\n`);
  });
});

/** The legend with its `{{label}}` filled in, as Grafana shows it, then `: ` (empty for a fixed legend). */
function seriesName(legend: string, labels: Record<string, string>): string {
  if (!legend.includes('{{')) return `${legend}: `;
  return `${legend.replace(/\{\{(\w+)\}\}/g, (_m, name: string) => labels[name] ?? '')}: `;
}

function formatValue(value: number, unit: string): string {
  if (unit === 's') return value < 1 ? `${(value * 1000).toPrecision(3)} ms` : `${value.toPrecision(3)} s`;
  if (unit === 'bytes') return `${(value / 2 ** 20).toFixed(1)} MiB`;
  if (unit === 'percentunit') return `${(value * 100).toPrecision(3)}%`;
  if (unit === 'ops') return `${value.toPrecision(3)}/s`;
  return Number.isInteger(value) ? String(value) : value.toPrecision(3);
}
