import type { Writable } from 'node:stream';
import { formatFrame, formatQuality, formatTable, formatTotals, type LiveQualityLine, type LiveRow, type LiveSnapshot } from './live-view-format.js';

/** Options of {@link LiveView}. */
export interface LiveViewOptions {
  /** Symbols, in display order; only the first `maxRows` are shown. */
  readonly symbols: readonly string[];
  readonly title: string;
  readonly out: Writable;
  /** Redraw in place (a terminal) or print plain lines (a pipe, a log file). */
  readonly tty: boolean;
  /** Rows shown (default 12). */
  readonly maxRows?: number;
  /** Milliseconds between refreshes (default 1000). */
  readonly intervalMs?: number;
  /** Monotonic clock in milliseconds (default performance.now). */
  readonly now?: () => number;
  /** The live models' scores, read at each refresh (default: none shown). */
  readonly quality?: () => readonly LiveQualityLine[];
}

/**
 * The demo's console view. Feeding it (onTick, onPrediction, addEvents) allocates nothing; it
 * renders about once per interval: on a terminal by redrawing the previous frame in place, else
 * as a totals line plus the table, so that logs stay readable. stop() prints a final frame.
 */
export class LiveView {
  private readonly index = new Map<string, number>();
  private readonly price: Float64Array;
  private readonly forecast: Float64Array;
  private readonly step: Float64Array;
  private readonly shown: number;
  private readonly now: () => number;
  private readonly started: number;
  private events = 0;
  private predictions = 0;
  private rejected = 0;
  private lastEvents = 0;
  private lastAt: number;
  private drawnLines = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: LiveViewOptions) {
    const n = opts.symbols.length;
    opts.symbols.forEach((s, i) => this.index.set(s, i));
    this.price = new Float64Array(n).fill(Number.NaN);
    this.forecast = new Float64Array(n).fill(Number.NaN);
    this.step = new Float64Array(n);
    this.shown = Math.min(n, opts.maxRows ?? 12);
    this.now = opts.now ?? (() => performance.now());
    this.started = this.lastAt = this.now();
  }

  /** Records the last price of a symbol (by index in `symbols`). */
  onTick(symbolIndex: number, price: number): void {
    this.price[symbolIndex] = price;
  }

  /** Records a prediction: the forecast of the next log return and the key's step. Unknown keys are ignored. */
  onPrediction(symbol: string, forecast: number, step: number): void {
    this.predictions++;
    const i = this.index.get(symbol);
    if (i === undefined) return;
    this.forecast[i] = forecast;
    this.step[i] = step;
  }

  /** Counts input events (and how many of them were rejected). */
  addEvents(events: number, rejected = 0): void {
    this.events += events;
    this.rejected += rejected;
  }

  /** Totals so far. */
  totals(): { events: number; predictions: number; rejected: number } {
    return { events: this.events, predictions: this.predictions, rejected: this.rejected };
  }

  /** The current state as a snapshot (allocates; called once per refresh). */
  snapshot(): LiveSnapshot {
    const t = this.now();
    const dt = t - this.lastAt;
    const rate = dt > 0 ? ((this.events - this.lastEvents) * 1000) / dt : 0;
    this.lastAt = t;
    this.lastEvents = this.events;
    const rows: LiveRow[] = [];
    for (let i = 0; i < this.shown; i++) {
      rows.push({ symbol: this.opts.symbols[i], price: this.price[i], forecast: this.forecast[i], step: this.step[i] });
    }
    return {
      title: this.opts.title, elapsedMs: t - this.started, events: this.events, predictions: this.predictions,
      rejected: this.rejected, rate, rows, hidden: this.opts.symbols.length - this.shown, quality: this.opts.quality?.() ?? [],
    };
  }

  /** Renders one frame now. */
  render(): void {
    const s = this.snapshot();
    if (this.opts.tty) {
      const lines = formatFrame(s);
      // Move up over the previous frame, clear to the end of the screen, draw.
      const up = this.drawnLines > 0 ? `\x1b[${this.drawnLines}F\x1b[J` : '';
      this.opts.out.write(`${up}${lines.join('\n')}\n`);
      this.drawnLines = lines.length;
    } else {
      this.opts.out.write(`${[formatTotals(s), ...s.quality.map(formatQuality), ...formatTable(s).map((l) => `  ${l}`)].join('\n')}\n`);
    }
  }

  /** Starts refreshing every interval (the timer does not keep the process alive). */
  start(): void {
    if (!this.opts.tty) this.opts.out.write(`${this.opts.title}\n`);
    this.timer = setInterval(() => this.render(), this.opts.intervalMs ?? 1000).unref();
  }

  /** Stops refreshing and renders the final frame. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.render();
  }
}
