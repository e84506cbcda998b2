import type { LiveScoresReading } from '../metrics/live-quality-metrics.js';

/**
 * Text of the demo's live view: a header, a totals line and one row per shown symbol. Pure
 * functions of a snapshot, so the layout is tested without a terminal.
 */

/** One symbol's row. NaN price or forecast means "not yet seen". */
export interface LiveRow {
  readonly symbol: string;
  readonly price: number;
  /** Forecast of the next log return. */
  readonly forecast: number;
  readonly step: number;
}

/** The live quality of one model, as the view shows it (metrics/live-quality-metrics.ts's reading). */
export type LiveQualityLine = LiveScoresReading;

/** Everything one frame shows. */
export interface LiveSnapshot {
  /** What runs (model, symbols, metrics URL); may span lines ("\n"). */
  readonly title: string;
  readonly elapsedMs: number;
  readonly events: number;
  readonly predictions: number;
  readonly rejected: number;
  /** Events per second over the last refresh interval. */
  readonly rate: number;
  readonly rows: readonly LiveRow[];
  /** Symbols not shown (beyond the row limit). */
  readonly hidden: number;
  /** Live scores of each live model (empty when not scored). */
  readonly quality: readonly LiveQualityLine[];
}

const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Elapsed time as mm:ss (or h:mm:ss). */
export function formatElapsed(ms: number): string {
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mmss = `${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
  return h > 0 ? `${h}:${mmss}` : mmss;
}

/** A log-return forecast in basis points with its sign, e.g. "+0.42 bp". */
export function formatForecast(logReturn: number): string {
  if (Number.isNaN(logReturn)) return '-';
  const text = Math.abs(logReturn * 1e4).toFixed(2);
  // the sign of what is printed: a forecast that rounds to zero shows as +0.00
  return `${logReturn < 0 && Number(text) !== 0 ? '-' : '+'}${text} bp`;
}

/** The totals line, also the plain line printed on a non-TTY. */
export function formatTotals(s: LiveSnapshot): string {
  return (
    `elapsed ${formatElapsed(s.elapsedMs)}  events ${int.format(s.events)}  events/s ${int.format(s.rate)}` +
    `  predictions ${int.format(s.predictions)}  rejected ${int.format(s.rejected)}`
  );
}

/** A number in 3 significant digits (exponent form when small), "-" for NaN. */
function short(v: number): string {
  if (Number.isNaN(v)) return '-';
  return Math.abs(v) >= 0.01 || v === 0 ? v.toPrecision(3) : v.toExponential(2);
}

/**
 * One model's live quality: the rolling skill against its baseline (positive: the model beats
 * it), both errors on the primary measure, events scored, and the drift detector's state.
 */
export function formatQuality(q: LiveQualityLine): string {
  const measure = q.primary === 'miss_rate' ? 'hit rate' : q.primary.toUpperCase();
  const pick = (p: LiveScoresReading['modelLoss']) => (q.primary === 'miss_rate' ? p.hitRate : q.primary === 'qlike' ? p.qlike : p.mse);
  const skill = Number.isNaN(q.skill) ? '-' : `${q.skill >= 0 ? '+' : ''}${(q.skill * 100).toFixed(2)}%`;
  const verdict = Number.isNaN(q.skill) ? 'not scored yet' : q.skill > 0 ? 'beats' : 'does not beat';
  const drift = q.drift.detections === 0 ? 'no drift' : `${int.format(q.drift.detections)} drift detection${q.drift.detections === 1 ? '' : 's'}`;
  return (
    `quality ${q.model}@${q.version}: skill ${skill} (${verdict} ${q.baseline}; ${measure} ${short(pick(q.modelLoss))} vs ${short(pick(q.baselineLoss))}, ` +
    `${int.format(q.scored)} scored)  ${drift}, PH ${short(q.drift.statistic)}`
  );
}

/** The table of symbols: price, forecast of the next log return, the price it implies, step. */
export function formatTable(s: LiveSnapshot): string[] {
  const lines = [
    `${'SYMBOL'.padEnd(10)}${'PRICE'.padStart(12)}${'FORECAST'.padStart(14)}${'NEXT PRICE'.padStart(14)}${'STEP'.padStart(10)}`,
  ];
  for (const r of s.rows) {
    const seen = !Number.isNaN(r.price);
    const next = seen && !Number.isNaN(r.forecast) ? (r.price * Math.exp(r.forecast)).toFixed(2) : '-';
    lines.push(
      `${r.symbol.padEnd(10)}${(seen ? r.price.toFixed(2) : '-').padStart(12)}${formatForecast(r.forecast).padStart(14)}` +
        `${next.padStart(14)}${int.format(r.step).padStart(10)}`,
    );
  }
  if (s.hidden > 0) lines.push(`... and ${int.format(s.hidden)} more symbols`);
  return lines;
}

/** A full frame for a terminal: title, totals, blank line, table. */
export function formatFrame(s: LiveSnapshot): string[] {
  return [...s.title.split('\n'), formatTotals(s), ...s.quality.map(formatQuality), '', ...formatTable(s)];
}
