import { textSink } from '../text-sink.js';
import { describe, expect, it } from 'vitest';
import { LiveView } from '../../src/service/live-view.js';
import { formatElapsed, formatForecast, formatTable, type LiveSnapshot } from '../../src/service/live-view-format.js';

const snapshot = (rows: LiveSnapshot['rows'], hidden = 0): LiveSnapshot => ({
  title: 't', elapsedMs: 0, events: 0, predictions: 0, rejected: 0, rate: 0, rows, hidden, quality: [],
});

describe('live view formatting', () => {
  it('shows forecasts of log returns in signed basis points', () => {
    expect(formatForecast(0.000042)).toBe('+0.42 bp');
    expect(formatForecast(-0.0015)).toBe('-15.00 bp');
    expect(formatForecast(-0.0000001)).toBe('+0.00 bp');
    expect(formatForecast(Number.NaN)).toBe('-');
  });

  it('shows elapsed time as mm:ss, with hours when needed', () => {
    expect(formatElapsed(65_400)).toBe('01:05');
    expect(formatElapsed(3_725_000)).toBe('1:02:05');
  });

  it('prints the price a forecast implies, and dashes before a symbol is seen', () => {
    const lines = formatTable(snapshot([
      { symbol: 'SYM000', price: 100, forecast: Math.log(1.01), step: 1234 },
      { symbol: 'SYM001', price: Number.NaN, forecast: Number.NaN, step: 0 },
    ], 5));
    expect(lines[1].split(/\s+/)).toEqual(['SYM000', '100.00', '+99.50', 'bp', '101.00', '1,234']);
    expect(lines[2].split(/\s+/)).toEqual(['SYM001', '-', '-', '-', '0']);
    expect(lines[3]).toBe('... and 5 more symbols');
  });
});

describe('LiveView', () => {
  it('prints plain totals and rows on a non-terminal, with events/s over the last interval', () => {
    let t = 0;
    const { out, text } = textSink();
    const view = new LiveView({ symbols: ['AAA', 'BBB', 'CCC'], title: 'demo', out, tty: false, maxRows: 2, now: () => t });
    view.onTick(0, 12.5);
    view.onPrediction('AAA', 0.0001, 7);
    view.onPrediction('ZZZ', 0.5, 1);
    view.addEvents(300, 1);
    t = 1500;
    view.render();
    const lines = text().trimEnd().split('\n');
    expect(lines[0]).toBe('elapsed 00:01  events 300  events/s 200  predictions 2  rejected 1');
    expect(lines[2].trim().split(/\s+/)).toEqual(['AAA', '12.50', '+1.00', 'bp', '12.50', '7']);
    expect(lines[3].trim().split(/\s+/)[0]).toBe('BBB');
    expect(lines[4].trim()).toBe('... and 1 more symbols');
    expect(text()).not.toContain('\x1b[');
  });

  it('redraws over the previous frame on a terminal', () => {
    const { out, text } = textSink();
    const view = new LiveView({ symbols: ['AAA', 'BBB'], title: 'demo', out, tty: true, now: () => 0 });
    view.render();
    const first = text();
    const frameLines = first.trimEnd().split('\n').length;
    expect(first.startsWith('demo\n')).toBe(true);
    view.render();
    expect(text().slice(first.length).startsWith(`\x1b[${frameLines}F\x1b[J`)).toBe(true);
  });

  it('renders a final frame when stopped', () => {
    const { out, text } = textSink();
    const view = new LiveView({ symbols: ['AAA'], title: 'demo', out, tty: false, now: () => 0 });
    view.start();
    view.addEvents(5);
    view.stop();
    expect(text()).toContain('events 5');
  });
});
