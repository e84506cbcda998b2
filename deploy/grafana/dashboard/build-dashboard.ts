/**
 * The rnn-stream Grafana dashboard, built with Grafana's foundation SDK from the panel specs.
 * `npm run dashboard` writes it to deploy/grafana/dashboards/rnn-stream.json; a test checks
 * that the committed file is what this code builds.
 */
import {
  DashboardBuilder,
  DatasourceVariableBuilder,
  QueryVariableBuilder,
  RowBuilder,
  VariableRefresh,
  type Dashboard,
  type DataSourceRef,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { LegendDisplayMode, LegendPlacement, SortOrder, TooltipDisplayMode, VizLegendOptionsBuilder, VizTooltipOptionsBuilder } from '@grafana/grafana-foundation-sdk/common';
import { DataqueryBuilder, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanelBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TablePanelBuilder } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesPanelBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { DASHBOARD_ROWS, type PanelSpec } from './panel-specs.js';

/** The dashboard's uid: stable, so links and provisioning keep pointing at it. */
export const DASHBOARD_UID = 'rnn-stream';

const datasource: DataSourceRef = { type: 'prometheus', uid: '${datasource}' };
const PANEL_HEIGHT = 8;
const GRID_WIDTH = 24;

/** Builds the dashboard model (plain JSON-ready object). */
export function buildDashboard(): Dashboard {
  const builder = new DashboardBuilder('rnn-stream')
    .uid(DASHBOARD_UID)
    .description('Throughput, latency, lag, dead letters, batches, state I/O, model and process of rnn-stream instances.')
    .tags(['rnn-stream', 'kafka', 'generated'])
    .editable()
    .refresh('30s')
    .time({ from: 'now-1h', to: 'now' })
    .timezone('browser')
    .withVariable(new DatasourceVariableBuilder('datasource').label('Data source').type('prometheus'))
    .withVariable(
      new QueryVariableBuilder('job')
        .label('Job')
        .datasource(datasource)
        .query('label_values(rnn_stream_build_info, job)')
        .refresh(VariableRefresh.OnTimeRangeChanged),
    )
    .withVariable(
      new QueryVariableBuilder('instance')
        .label('Instance')
        .datasource(datasource)
        .query('label_values(rnn_stream_build_info{job="$job"}, instance)')
        .refresh(VariableRefresh.OnTimeRangeChanged)
        .multi(true)
        .includeAll(true)
        .allValue('.*'),
    );

  let y = 0;
  let id = 0;
  for (const row of DASHBOARD_ROWS) {
    builder.withRow(new RowBuilder(row.title).id((id += 1)).gridPos({ x: 0, y, w: GRID_WIDTH, h: 1 }));
    y += 1;
    const width = GRID_WIDTH / row.panels.length;
    row.panels.forEach((spec, i) => {
      builder.withPanel(panel(spec).id((id += 1)).gridPos({ x: i * width, y, w: width, h: PANEL_HEIGHT }));
    });
    y += PANEL_HEIGHT;
  }
  return builder.build();
}

function panel(spec: PanelSpec): TimeseriesPanelBuilder | TablePanelBuilder | StatPanelBuilder {
  const p =
    spec.kind === 'table'
      ? new TablePanelBuilder()
      : spec.kind === 'stat'
        ? new StatPanelBuilder()
        : new TimeseriesPanelBuilder()
            .legend(new VizLegendOptionsBuilder().showLegend(true).displayMode(LegendDisplayMode.List).placement(LegendPlacement.Bottom))
            .tooltip(new VizTooltipOptionsBuilder().mode(TooltipDisplayMode.Multi).sort(SortOrder.Descending));
  p.title(spec.title).description(spec.description).unit(spec.unit).datasource(datasource);
  for (const target of spec.targets) {
    const query = new DataqueryBuilder().refId(target.refId).expr(target.expr).legendFormat(target.legend).datasource(datasource);
    if (spec.kind === 'table') query.instant().format(PromQueryFormat.Table);
    p.withTarget(query);
  }
  return p;
}

/** The dashboard file's exact text (2-space JSON, trailing newline). */
export function dashboardJson(): string {
  return `${JSON.stringify(buildDashboard(), null, 2)}\n`;
}
