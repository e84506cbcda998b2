import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildDashboard, dashboardJson } from '../../deploy/grafana/dashboard/build-dashboard.js';
import { DASHBOARD_ROWS } from '../../deploy/grafana/dashboard/panel-specs.js';

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: { expr: string; refId: string }[];
}

const committed = readFileSync('deploy/grafana/dashboards/rnn-stream.json', 'utf-8');
const panels = (JSON.parse(committed) as { panels: Panel[] }).panels;

describe('Grafana dashboard', () => {
  it('committed JSON is exactly what the generator builds (run `npm run dashboard` after a change)', () => {
    expect(committed).toBe(dashboardJson());
  });

  it('has the panels an operator looks for, each with at least one query', () => {
    const titles = panels.filter((p) => p.type !== 'row').map((p) => p.title);
    for (const wanted of [
      'Events in by outcome',
      'Predictions out',
      'End-to-end latency',
      'Consumer lag per partition',
      'Dead letters by reason',
      'Batch size',
      'Batch duration',
      'State I/O latency (p99)',
      'Model step time per event',
      'Model in use',
      'CPU',
      'Memory',
      'Event-loop lag',
    ]) {
      expect(titles).toContain(wanted);
    }
    for (const p of panels.filter((q) => q.type !== 'row')) expect(p.targets?.length, p.title).toBeGreaterThan(0);
    expect(titles.length).toBe(DASHBOARD_ROWS.flatMap((r) => r.panels).length);
  });

  it('filters every query by the job and instance variables', () => {
    for (const p of panels) for (const t of p.targets ?? []) expect(t.expr, `${p.title} ${t.refId}`).toMatch(/job="\$job", instance=~"\$instance"/);
  });

  it('gives every panel a unique id and a place on the grid that overlaps no other', () => {
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const [i, a] of panels.entries()) {
      expect(a.gridPos.x + a.gridPos.w).toBeLessThanOrEqual(24);
      for (const b of panels.slice(i + 1)) {
        const overlap =
          a.gridPos.x < b.gridPos.x + b.gridPos.w && b.gridPos.x < a.gridPos.x + a.gridPos.w &&
          a.gridPos.y < b.gridPos.y + b.gridPos.h && b.gridPos.y < a.gridPos.y + a.gridPos.h;
        expect(overlap, `${a.title} / ${b.title}`).toBe(false);
      }
    }
  });

  it('is provisioned under the uid and datasource the provisioning files name', () => {
    const ds = parse(readFileSync('deploy/grafana/provisioning/datasources/prometheus.yml', 'utf-8')) as { datasources: { type: string; url: string }[] };
    expect(ds.datasources[0].type).toBe('prometheus');
    expect(ds.datasources[0].url).toBe('http://prometheus:9090');
    expect(buildDashboard().uid).toBe('rnn-stream');
  });
});
