import { InvalidArgumentError } from 'commander';
import { parseTimestamp } from '../events/decode-event.js';

/** Commander argument parsers that name the option and the rule when a value is refused. */
export const numberOption = {
  /** A finite number > 0. */
  positive(name: string): (v: string) => number {
    return (v) => {
      const n = Number(v);
      if (v.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a number > 0, got ${JSON.stringify(v)}`);
      return n;
    };
  },
  /** A base-10 integer (safe range). */
  integer(name: string): (v: string) => number {
    return (v) => {
      const n = Number(v);
      if (!/^-?\d+$/.test(v.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`${name} must be an integer, got ${JSON.stringify(v)}`);
      return n;
    };
  },
  /** An integer >= min (default 1). */
  atLeast(name: string, min = 1): (v: string) => number {
    const parse = numberOption.integer(name);
    return (v) => {
      const n = parse(v);
      if (n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}, got ${JSON.stringify(v)}`);
      return n;
    };
  },
  /** Epoch milliseconds, from digits or an ISO-8601 timestamp with zone. */
  timestamp(name: string): (v: string) => number {
    return (v) => {
      const ts = parseTimestamp(/^\d+$/.test(v.trim()) ? Number(v) : v);
      if (typeof ts === 'string') throw new InvalidArgumentError(`${name}: ${ts}`);
      return ts;
    };
  },
};
