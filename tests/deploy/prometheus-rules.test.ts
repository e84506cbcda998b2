import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { requireTool, runTool, skipWithoutTool } from './system-tool.js';

const dir = 'deploy/prometheus';

describe.skipIf(skipWithoutTool('promtool'))('deploy/prometheus checked by promtool', () => {
  beforeAll(() => requireTool('promtool', 'prometheus'));

  it('has a valid scrape configuration that loads both rule files', () => {
    const out = runTool('promtool', ['check', 'config', join(dir, 'prometheus.yml')]);
    expect(out).toContain('is valid prometheus config file syntax');
    expect(out).toContain('2 rule files found');
  });

  it('has valid recording and alert rules', () => {
    const out = runTool('promtool', ['check', 'rules', join(dir, 'rules/recording.yml'), join(dir, 'rules/alerts.yml')]);
    expect(out.match(/SUCCESS/g)).toHaveLength(2);
  });

  it('passes the alert unit tests, each alert tested firing and not firing', () => {
    const out = runTool('promtool', ['test', 'rules', join(dir, 'tests/alerts.test.yml')]);
    expect(out).toContain('SUCCESS');
    const alerts = alertNames();
    const tests = parse(readFileSync(join(dir, 'tests/alerts.test.yml'), 'utf-8')) as {
      tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[];
    };
    const cases = tests.tests.flatMap((t) => t.alert_rule_test ?? []);
    for (const name of alerts) {
      const mine = cases.filter((c) => c.alertname === name);
      expect(mine.some((c) => c.exp_alerts.length > 0), `${name} tested firing`).toBe(true);
      expect(mine.some((c) => c.exp_alerts.length === 0), `${name} tested not firing`).toBe(true);
    }
  });

  describe('a broken rule', () => {
    let tmp: string;
    beforeAll(() => {
      tmp = mkdtempSync(join(tmpdir(), 'rnn-stream-rules-'));
    });
    afterAll(() => rmSync(tmp, { recursive: true, force: true }));

    it('is refused by the same check (the check can fail)', () => {
      const bad = join(tmp, 'bad.yml');
      writeFileSync(bad, 'groups:\n  - name: x\n    rules:\n      - alert: Broken\n        expr: rate(rnn_stream_events_total[5m]\n');
      expect(() => runTool('promtool', ['check', 'rules', bad])).toThrow(/exited with 1/);
    });
  });
});

function alertNames(): string[] {
  const rules = parse(readFileSync(join(dir, 'rules/alerts.yml'), 'utf-8')) as { groups: { rules: { alert?: string }[] }[] };
  const names = rules.groups.flatMap((g) => g.rules.flatMap((r) => (r.alert ? [r.alert] : [])));
  expect(names.length).toBeGreaterThanOrEqual(8);
  return names;
}

