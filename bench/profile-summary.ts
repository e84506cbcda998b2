/**
 * Summarises a V8 CPU profile (`node --cpu-prof`, e.g. `npm run bench:pipeline -- --profile DIR`):
 * self time by area (model, stream operators, kafkajs, ioredis, prom-client, Buffer/JSON, GC,
 * ...) and the heaviest functions.
 * Usage: tsx bench/profile-summary.ts <file.cpuprofile> [--top N]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '30' } } });
if (positionals.length !== 1) {
  process.stderr.write('usage: tsx bench/profile-summary.ts <file.cpuprofile> [--top N]\n');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(positionals[0], 'utf8')) as CpuProfile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
for (let i = 0; i < profile.samples.length; i++) self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));

/** The area a frame belongs to, from its script URL and name. */
function area(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (functionName === '(garbage collector)') return 'GC';
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(program)') return 'program (native, unattributed)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const src = /\/src\/([^/]+)\//.exec(url);
  if (src) return `src/${src[1]}`;
  if (url.includes('/bench/')) return 'bench harness';
  if (url.startsWith('node:')) return `node:${/node:([^/]+)/.exec(url)?.[1] ?? ''}`;
  if (url === '') return `native: ${functionName || '(anonymous)'}`;
  return url;
}

let total = 0;
let idle = 0;
const areas = new Map<string, number>();
const fns = new Map<string, number>();
for (const [id, t] of self) {
  const n = byId.get(id);
  if (!n) continue;
  const a = area(n.callFrame);
  if (a === 'idle') {
    idle += t;
    continue;
  }
  total += t;
  areas.set(a, (areas.get(a) ?? 0) + t);
  const where = n.callFrame.url ? `${n.callFrame.url.replace(/^.*\/(node_modules|src|bench)\//, '$1/')}:${n.callFrame.lineNumber + 1}` : '';
  const name = `${n.callFrame.functionName || '(anonymous)'} ${where}`;
  fns.set(name, (fns.get(name) ?? 0) + t);
}
const pct = (t: number): string => `${((100 * t) / total).toFixed(1).padStart(5)}%`;
const lines = [`busy ${(total / 1e6).toFixed(2)} s, idle ${(idle / 1e6).toFixed(2)} s`, 'self time by area:'];
for (const [a, t] of [...areas].sort((x, y) => y[1] - x[1])) if (t / total >= 0.002) lines.push(`  ${pct(t)}  ${a}`);
lines.push(`heaviest functions (self time):`);
for (const [f, t] of [...fns].sort((x, y) => y[1] - x[1]).slice(0, Number(values.top))) lines.push(`  ${pct(t)}  ${f}`);
process.stdout.write(`${lines.join('\n')}\n`);
