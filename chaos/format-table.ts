import type { RunResult } from './run-scenario.js';

const COLUMNS = [
  'scenario', 'seed', 'guarantee', 'events', 'faults', 'lost', 'repeats (identical/differing)', 'aborted copies', 'state mismatches', 'other errors', 'recovery s (max)', 'max |h err|', 'result',
] as const;

/**
 * The per-run table: events, faults, lost, repeats (read_committed under exactly_once, where any
 * is a failure), aborted copies (exactly_once: records only aborted transactions hold, seen
 * read_uncommitted), state mismatches, recovery time.
 */
export function formatTable(results: readonly RunResult[], header: boolean): string {
  const rows = results.map((r) => {
    const v = r.verify;
    const recovered = r.recoveries.filter((s): s is number => s !== null);
    const recovery = r.recoveries.length === 0 ? '-' : `${recovered.length === r.recoveries.length ? '' : `${r.recoveries.length - recovered.length} none, `}${recovered.length ? Math.max(...recovered).toFixed(1) : '-'}`;
    const other = v.wrongReason + v.unexpectedPredictions + v.predictionMismatches + v.orderViolations + v.unknownMessages + r.unexpectedExits.length;
    return [
      r.scenario, String(r.seed), r.guarantee, String(v.events), String(r.faults), String(v.lostPredictions + v.lostDeadLetters),
      `${v.repeatsIdentical}/${v.repeatsDiffering}`, v.exactlyOnce ? String(v.abortedCopies) : '-', String(v.stateMismatches), String(other), recovery, v.maxHiddenError.toExponential(1), r.ok ? 'PASS' : 'FAIL',
    ];
  });
  const all = header ? [[...COLUMNS], ...rows] : rows;
  const widths = COLUMNS.map((c, i) => Math.max(c.length, ...all.map((row) => row[i].length)));
  const line = (row: readonly string[]): string => `| ${row.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  const out = all.map(line);
  if (header) out.splice(1, 0, `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  return out.join('\n');
}
