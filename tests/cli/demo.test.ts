import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../src/backtest/run-backtest.js';
import { DEMO_MODEL } from '../../src/cli/commands/demo.js';
import { formatForecast } from '../../src/service/live-view-format.js';
import { startDemo } from '../../src/service/start-demo.js';
import { newSimTick, SyntheticMarket, tickToJson } from '../../src/simulator/index.js';
import { loadModel } from '../../src/model/load-model.js';
import { textSink } from '../text-sink.js';

/** Value of an unlabelled or labelled sample in Prometheus text format. */
function sample(metrics: string, series: string): number {
  const line = metrics.split('\n').find((l) => l.startsWith(`${series} `));
  if (line === undefined) throw new Error(`no ${series} in /metrics`);
  return Number(line.slice(series.length + 1));
}

describe('rnn-stream demo', () => {
  it('prints each symbol with the forecast an offline backtest gives, and /metrics counts every event', async () => {
    const loaded = await loadModel(DEMO_MODEL);
    const { out, text } = textSink();
    const market = { symbols: 5, seed: 9, rate: 20_000, order: 'random' as const };
    const demo = await startDemo({
      loaded, ...market, partitions: 3, count: 700, metricsHost: '127.0.0.1', metricsPort: 0, out, tty: false, refreshMs: 20,
    });
    const summary = await demo.done;
    const metrics = await (await fetch(demo.metricsUrl)).text();
    await demo.close();

    expect(summary).toMatchObject({ events: 700, predictions: 700, rejected: 0 });
    expect(sample(metrics, 'rnn_stream_events_total{outcome="applied"}')).toBe(700);
    expect(sample(metrics, 'rnn_stream_predictions_total')).toBe(700);
    expect(sample(metrics, 'rnn_stream_events_total{outcome="rejected"}')).toBe(0);
    expect(sample(metrics, `rnn_stream_model_info{model="demo-gru",version="${loaded.version}",cell="gru"}`)).toBe(1);

    // The same ticks replayed offline (timestamps shifted: features only use differences).
    const sim = new SyntheticMarket({ ...market, startTs: 0 });
    const lines = Array.from({ length: 700 }, () => tickToJson(sim.next(newSimTick()))).join('\n');
    const last = new Map<string, { forecast: number; step: number }>();
    await runBacktest({
      loaded, input: Readable.from([lines]),
      onPrediction: (p) => void last.set(p.key, { forecast: (p.decoded as Record<string, number>).next_logret, step: p.step }),
    });
    expect(last.size).toBe(5);

    const finalFrame = text().slice(text().lastIndexOf('elapsed '));
    expect(finalFrame).toContain('events 700');
    for (const [symbol, { forecast, step }] of last) {
      const row = finalFrame.split('\n').find((l) => l.trim().startsWith(symbol));
      expect(row, `row of ${symbol}`).toBeDefined();
      const [, price, fc, , , steps] = row!.trim().split(/\s+/);
      expect(Number(price)).toBeGreaterThan(0);
      expect(`${fc} bp`).toBe(formatForecast(forecast));
      expect(Number(steps)).toBe(step);
    }
  });

  it('stops cleanly on SIGTERM when run as the command', async () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', 'demo', '--symbols', '3', '--rate', '300', '--metrics-port', '0'], {
      cwd: root, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const running = new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (/events [1-9]/.test(stdout)) resolve();
      });
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // a child that dies before printing fails here, with its stderr, rather than by timeout
    const early = await Promise.race([running.then(() => null), exited.then((code) => ({ code }))]);
    expect(early, `the demo exited before printing: ${stderr}`).toBeNull();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout).toMatch(/^rnn-stream demo: model demo-gru@\w+ \(gru, hidden 32\), 3 symbols at 300 ev\/s$/m);
    for (const symbol of ['SYM000', 'SYM001', 'SYM002']) expect(stdout).toMatch(new RegExp(`^\\s+${symbol}\\s+\\d+\\.\\d\\d\\s+[+-]\\d+\\.\\d\\d bp`, 'm'));
    expect(stderr).toMatch(/demo: \d+ events, \d+ predictions, 0 rejected in [\d.]+ s \(\d+ ev\/s\), stopped by SIGTERM/);
  });
});
