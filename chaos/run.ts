/**
 * The chaos runner: `npm run chaos -- --scenario <name> --seed <n>`, `--all`, `--smoke`.
 *
 * Starts its own Kafka and Redis through deploy/local/services.sh on its own ports and folder
 * (defaults 29092/29093/26379 and /tmp/rnn-stream-chaos; never the shared 19092/16379), a loopback
 * TCP proxy in front of Redis, and runs each scenario (chaos/scenarios.ts) at each seed: real
 * `rnn-stream run` processes, faults at seeded random times, then the independent verifier.
 * Prints one table row per run and exits 1 when any run failed. See docs/reliability.md.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { ChaosServices } from './chaos-services.js';
import { formatTable } from './format-table.js';
import { runScenario, type RunResult } from './run-scenario.js';
import { SCENARIOS, SMOKE } from './scenarios.js';
import { TcpProxy } from './tcp-proxy.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const int = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${v} is not an integer >= 0`);
  return n;
};

const program = new Command('chaos')
  .description('Fault-injection runs of rnn-stream on private Kafka and Redis, checked by an independent verifier')
  .option('--scenario <names>', `comma-separated scenarios: ${SCENARIOS.map((s) => s.name).join(', ')}`)
  .option('--all', 'every scenario')
  .option('--smoke', `a short run of ${SMOKE.join(', ')} (fewer faults; recovery times reported, not asserted)`)
  .option('--seed <n>', 'first seed', int, 1)
  .option('--seeds <n>', 'seeds per scenario (seed, seed + 1, ...)', int, 1)
  .option('--events <n>', 'events per run', int, 100_000)
  .option('--keys <n>', 'entity keys', int, 1000)
  .option('--rate <n>', 'events per second produced (events keep coming until the last fault was measured)', int, 1000)
  .option('--invalid-rate <x>', 'share of invalid events', Number, 0.01)
  .option('--guarantee <g>', "the service's output.guarantee: at_least_once or exactly_once (exactly_once: the verifier reads read_committed and fails on any repeat)", 'at_least_once')
  .option('--log-level <level>', "the service processes' logging.level (their logs stay under <dir>/runs/<run>/)", 'warn')
  .option('--kafka-retry <initial,max,retries>', "the service's kafka.retry for the runs, e.g. 300,30000,5 (kafkajs' own defaults); default: config/default.yaml's")
  .option('--kafka-port <n>', 'Kafka port of the private broker', int, 29092)
  .option('--controller-port <n>', 'KRaft controller port of the private broker', int, 29093)
  .option('--redis-port <n>', 'port of the private Redis', int, 26379)
  .option('--proxy-port <n>', 'port of the TCP proxy in front of Redis (0: any free)', int, 0)
  .option('--dir <path>', 'state folder of the private services and run logs', '/tmp/rnn-stream-chaos')
  .option('--keep-services', 'leave the private services running afterwards')
  .option('--no-build', 'use dist/ as it is instead of compiling src/ first (`npm run build`)')
  .parse();

const o = program.opts<{
  scenario?: string; all?: boolean; smoke?: boolean; seed: number; seeds: number; events: number; keys: number; rate: number; invalidRate: number;
  guarantee: string; logLevel: string; kafkaRetry?: string; kafkaPort: number; controllerPort: number; redisPort: number; proxyPort: number; dir: string; keepServices?: boolean; build: boolean;
}>();
if (o.kafkaPort === 19092 || o.redisPort === 16379) throw new Error('the chaos runner kills its services: never point it at the shared ports 19092/16379');

const guarantee = o.guarantee === 'at_least_once' || o.guarantee === 'exactly_once' ? o.guarantee : program.error(`--guarantee must be at_least_once or exactly_once, not ${o.guarantee}`);
const names = o.smoke ? [...SMOKE] : o.all ? SCENARIOS.map((s) => s.name) : (o.scenario ?? '').split(',').filter((s) => s.length > 0);
if (names.length === 0) program.error('give --scenario <name>, --all or --smoke');
const scenarios = names.map((n) => SCENARIOS.find((s) => s.name === n) ?? program.error(`unknown scenario ${n}`));
const events = o.smoke ? Math.min(o.events, 20_000) : o.events;

const retry = o.kafkaRetry === undefined ? undefined : (() => {
  const [initialRetryTimeMs, maxRetryTimeMs, retries] = o.kafkaRetry.split(',').map(int);
  return { initialRetryTimeMs, maxRetryTimeMs, retries };
})();

if (o.build) {
  // The processes run the compiled service, as users run it: start-up in a second, not the
  // many seconds tsx needs to transpile the sources of every restarted process on a busy machine.
  console.log('chaos: npm run build');
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}
mkdirSync(o.dir, { recursive: true });
const services = new ChaosServices(root, { kafkaPort: o.kafkaPort, controllerPort: o.controllerPort, redisPort: o.redisPort, dir: `${o.dir}/services` });
console.log(`chaos: services on Kafka :${o.kafkaPort}, Redis :${o.redisPort} (state in ${o.dir}/services)`);
await services.up();
const proxy = await TcpProxy.start(o.proxyPort, o.redisPort);
const results: RunResult[] = [];
try {
  for (const scenario of scenarios) {
    for (let seed = o.seed; seed < o.seed + o.seeds; seed++) {
      console.log(`chaos: ${scenario.name} seed ${seed} (${guarantee}): ${scenario.description}`);
      const result = await runScenario(scenario, seed, {
        root, workDir: `${o.dir}/runs`, services, proxy, events, keys: o.keys, rate: o.rate, invalidRate: o.invalidRate, smoke: o.smoke,
        kafkaOverrides: retry === undefined ? undefined : { retry }, guarantee, logLevel: o.logLevel,
      });
      results.push(result);
      console.log(formatTable([result], false));
      if (!result.ok) console.log(`  log: ${result.logFile}\n  ${result.verify.problems.slice(0, 5).join('\n  ')}`);
    }
  }
} finally {
  await proxy.close();
  if (!o.keepServices) await services.down();
}
console.log(`\n${formatTable(results, true)}`);
const failed = results.filter((r) => !r.ok).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
