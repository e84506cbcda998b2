import type { EventSet } from './event-set.js';

/**
 * Warnings about the order of the events of a run: timestamp regressions (an event earlier
 * than its key's previous one: kept, in arrival order, as backtest keeps it), input that looks
 * sorted newest-first, and keys whose events all share one timestamp.
 */
export function dataWarnings(data: EventSet): string[] {
  const out: string[] = [];
  const pairs = data.validEvents - data.keys.length;
  if (data.timestampRegressions > 0) {
    const newestFirst = data.timestampRegressions * 2 > pairs;
    out.push(
      `${data.timestampRegressions} timestamp regressions (events earlier than their key's previous event; kept in arrival order)` +
        (newestFirst ? ': most of the input is newest-first; sort it oldest first (per key, by ts)' : ''),
    );
  }
  if (pairs > 0 && data.equalTimestamps === pairs) out.push('every event of each key has the same timestamp as the previous one: a time-ordered split cannot separate them');
  return out;
}
