import { describe, expect, it } from 'vitest';
import { formatReport, type StateReport } from '../../src/cli/commands/inspect.js';
import { escapeControl, escapeJsonControl } from '../../src/cli/escape-control.js';

// eslint-disable-next-line no-control-regex -- the characters the report must not contain
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('escapeControl', () => {
  it('escapes ESC, C1 CSI, DEL, newlines and bidi overrides, keeping letters', () => {
    expect(escapeControl('a\u001b[31mred\u009b2J\u007f\n\u202eé😀')).toBe('a\\x1b[31mred\\x9b2J\\x7f\\x0a\\u202eé😀');
  });

  it('keeps distinct texts distinct (a literal backslash-x is escaped too)', () => {
    expect(escapeControl('\\x1b')).not.toBe(escapeControl('\u001b'));
  });

  it('writes JSON whose value is unchanged but holds no raw control character', () => {
    const value = { key: 'k\u009b\u001b\u2028' };
    const json = escapeJsonControl(JSON.stringify(value));
    expect(json).not.toMatch(CONTROLS);
    expect(JSON.parse(json)).toEqual(value);
  });
});

describe('inspect text report', () => {
  it('prints no raw control character from the key, topic or model version', () => {
    const report: StateReport = {
      key: 'evil\u001b]0;title\u0007\u009b31m',
      topic: 't\u001bx',
      partition: 0,
      modelVersion: 'v\r1',
      step: 1,
      lastOffset: 0,
      memory: { seen: false, prevPrice: 0, prevTs: 0 },
      hidden: [0],
    };
    const text = formatReport(report);
    for (const line of text.split('\n')) expect(line).not.toMatch(CONTROLS);
    expect(text).toContain('key           evil\\x1b]0;title\\x07\\x9b31m');
    expect(text).toContain('model version v\\x0d1');
  });
});
