/** Writes deploy/grafana/dashboards/rnn-stream.json from the typed dashboard code (`npm run dashboard`). */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dashboardJson } from './dashboard/build-dashboard.js';

const out = fileURLToPath(new URL('./dashboards/rnn-stream.json', import.meta.url));
writeFileSync(out, dashboardJson());
process.stdout.write(`wrote ${out}\n`);
