import { ConfigError } from '../errors/index.js';
import { parseTimestamp } from '../events/decode-event.js';

/** The time range of a retrain and its split instants (epoch ms). */
export interface RetrainWindow {
  readonly from: number;
  readonly to: number;
  readonly validateFrom: number;
  readonly testFrom?: number;
}

/** Share of [from, to) given to training when --validate-from is not given. */
export const DEFAULT_TRAIN_SHARE = 0.8;

/**
 * Parses --from, --to, --validate-from, --test-from (ISO-8601 with zone, or epoch ms) and checks
 * from < validate-from < test-from < to. Without --validate-from, validation starts at
 * from + 0.8 (to - from) (or at 0.8 of [from, test-from) with a test window).
 */
export function parseRetrainWindow(raw: { from?: string; to?: string; validateFrom?: string; testFrom?: string }): RetrainWindow {
  const from = parseInstant(raw.from, '--from');
  const to = parseInstant(raw.to, '--to');
  if (!(from < to)) throw new ConfigError(`--from must be before --to; got ${iso(from)} and ${iso(to)}`, { key: '--from' });
  const testFrom = raw.testFrom === undefined ? undefined : parseInstant(raw.testFrom, '--test-from');
  const end = testFrom ?? to;
  const validateFrom = raw.validateFrom === undefined ? Math.round(from + DEFAULT_TRAIN_SHARE * (end - from)) : parseInstant(raw.validateFrom, '--validate-from');
  if (!(from < validateFrom && validateFrom < to)) {
    throw new ConfigError(`--validate-from must be inside (--from, --to): ${iso(validateFrom)} is not between ${iso(from)} and ${iso(to)}`, { key: '--validate-from' });
  }
  if (testFrom !== undefined && !(validateFrom < testFrom && testFrom < to)) {
    throw new ConfigError(`--test-from must be inside (--validate-from, --to): ${iso(testFrom)} is not between ${iso(validateFrom)} and ${iso(to)}`, { key: '--test-from' });
  }
  return { from, to, validateFrom, ...(testFrom === undefined ? {} : { testFrom }) };
}

/** Parses a command-line instant (ISO-8601 with zone, or epoch ms) named `key` in errors. */
export function parseInstant(v: string | undefined, key: string): number {
  if (v === undefined) throw new ConfigError(`${key} is required`, { key });
  const parsed = parseTimestamp(/^\d+$/.test(v) ? Number(v) : v);
  if (typeof parsed === 'string') throw new ConfigError(`${key} must be an ISO-8601 time with zone (2025-03-01T00:00:00Z) or epoch milliseconds; got ${JSON.stringify(v)}`, { key });
  return parsed;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
