/** The printed report of bench/pipeline.ts: per mode, per round, medians and ranges, and the targets. */
import type { PhaseResult } from './pipeline-common.js';
import type { LatencySummary } from './pipeline-rate.js';

/**
 * The contenders of every round: the pipeline under output.guarantee at_least_once (`pipeline`)
 * and exactly_once (`exactly_once`, when the run includes it), and the bare client.
 */
export type Contender = 'pipeline' | 'exactly_once' | 'bare' | 'bare_published';

const LABEL: Readonly<Record<Contender, string>> = { pipeline: 'pipeline', exactly_once: 'pipeline EO', bare: 'bare kafkajs', bare_published: 'bare published' };

/** Saturation (the whole backlog) or a fixed input rate, over the rounds. */
export interface Mode {
  readonly name: string;
  /** Events per second; null at saturation. */
  readonly rate: number | null;
  readonly rounds: {
    pipeline: PhaseResult;
    bare: PhaseResult;
    exactly_once?: PhaseResult;
    /** The bare client on the published kafkajs (absent with `--bare patched`). */
    bare_published?: PhaseResult;
    latency: Partial<Record<Contender, LatencySummary>>;
  }[];
}

/** Everything bench/pipeline.ts measured. */
export interface Report {
  readonly events: number;
  readonly symbols: number;
  readonly partitions: number;
  readonly rounds: number;
  readonly headers: string;
  readonly lingerMs: number;
  /** --warmup: seconds of a fixed-rate phase left out of the after-warm-up figures. */
  readonly warmupSeconds: number;
  readonly model: { name: string; cell: string; hidden: number; layers: number };
  readonly modes: Mode[];
  readonly redis: { sentPerEvent: number; sent: Record<string, number>; executedPerEvent: number; executed: Record<string, number> };
  readonly machine: { cpus: number; loadavg1: number; node: string };
}

/** CPU microseconds per event of a phase. */
export function cpuPerEvent(p: PhaseResult): number {
  return (p.cpuSeconds / p.events) * 1e6;
}

/** CPU microseconds per event after the phase's warm-up (NaN without one). */
function cpuPerEventWarm(p: PhaseResult): number {
  return p.afterWarmup ? (p.afterWarmup.cpuSeconds / p.afterWarmup.events) * 1e6 : NaN;
}

function range(xs: number[], digits: number): string {
  const s = [...xs].sort((a, b) => a - b);
  const med = s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return `${med.toFixed(digits)} (${s[0].toFixed(digits)}-${s[s.length - 1].toFixed(digits)})`;
}

/** Prints the report for a reader: per round, then median (range) per mode, then the targets. */
export function printReport(r: Report): void {
  const int = (n: number): string => Math.round(n).toLocaleString('en-US');
  const mib = (b: number): string => `${(b / 2 ** 20).toFixed(0)} MiB`;
  const lines = [
    `rnn-stream pipeline benchmark: ${int(r.events)} events, ${int(r.symbols)} symbols, ${r.partitions} partitions, model ${r.model.name} (${r.model.cell}, hidden ${r.model.hidden}), ` +
      `output headers: ${r.headers}, linger ${r.lingerMs} ms, ${r.rounds} rounds`,
  ];
  const head = `${'round'.padEnd(7)}${'contender'.padEnd(13)}${'events'.padStart(9)}${'events/s'.padStart(10)}${'CPU us/ev'.padStart(11)}${'peak RSS'.padStart(10)}${'batches'.padStart(9)}${'latency ms p50/p99/p99.9'.padStart(27)}`;
  for (const mode of r.modes) {
    lines.push('', `${mode.name}:`, head);
    mode.rounds.forEach((round, i) => {
      for (const who of ['pipeline', 'exactly_once', 'bare', 'bare_published'] as const) {
        const p = round[who];
        if (p === undefined) continue;
        const l = round.latency[who];
        lines.push(
          `${String(i + 1).padEnd(7)}${LABEL[who].padEnd(13)}${int(p.events).padStart(9)}${int(p.events / p.steadySeconds).padStart(10)}` +
            `${cpuPerEvent(p).toFixed(1).padStart(11)}${mib(p.peakRssBytes).padStart(10)}${int(p.batches).padStart(9)}${(l ? `${l.p50}/${l.p99}/${l.p999}` : '-').padStart(27)}`,
        );
      }
    });
    const pipe = mode.rounds.map((x) => cpuPerEvent(x.pipeline));
    const bare = mode.rounds.map((x) => cpuPerEvent(x.bare));
    const ratio = mode.rounds.map((x) => cpuPerEvent(x.bare) / cpuPerEvent(x.pipeline));
    lines.push(`  CPU us/event, median (min-max): pipeline ${range(pipe, 1)}, bare kafkajs ${range(bare, 1)}; bare / pipeline (same round) ${range(ratio, 2)}`);
    const warm = mode.rounds.filter((x) => x.pipeline.afterWarmup && x.bare.afterWarmup);
    if (warm.length > 0) {
      lines.push(
        `    after the first ${r.warmupSeconds} s (the start's one-time compiling and loading left out): pipeline ${range(warm.map((x) => cpuPerEventWarm(x.pipeline)), 1)}, ` +
          `bare kafkajs ${range(warm.map((x) => cpuPerEventWarm(x.bare)), 1)}; bare / pipeline ${range(warm.map((x) => cpuPerEventWarm(x.bare) / cpuPerEventWarm(x.pipeline)), 2)}`,
      );
    }
    lines.push(
      `  events/s: pipeline ${range(mode.rounds.map((x) => x.pipeline.events / x.pipeline.steadySeconds), 0)}, bare kafkajs ${range(mode.rounds.map((x) => x.bare.events / x.bare.steadySeconds), 0)}`,
    );
    const published = mode.rounds.filter((x): x is typeof x & { bare_published: PhaseResult } => x.bare_published !== undefined);
    if (published.length > 0) {
      lines.push(
        `  bare published kafkajs 2.2.4: CPU us/event ${range(published.map((x) => cpuPerEvent(x.bare_published)), 1)}; ` +
          `bare published / pipeline (same round) ${range(published.map((x) => cpuPerEvent(x.bare_published) / cpuPerEvent(x.pipeline)), 2)}`,
      );
    }
    const eo = mode.rounds.filter((x): x is typeof x & { exactly_once: PhaseResult } => x.exactly_once !== undefined);
    if (eo.length > 0) {
      lines.push(
        `  exactly_once: CPU us/event ${range(eo.map((x) => cpuPerEvent(x.exactly_once)), 1)}, events/s ${range(eo.map((x) => x.exactly_once.events / x.exactly_once.steadySeconds), 0)}; ` +
          `exactly_once / at_least_once CPU per event (same round) ${range(eo.map((x) => cpuPerEvent(x.exactly_once) / cpuPerEvent(x.pipeline)), 2)}, ` +
          `batches ${range(eo.map((x) => x.exactly_once.batches), 0)} vs ${range(eo.map((x) => x.pipeline.batches), 0)}`,
      );
      const p99 = eo.filter((x) => x.latency.exactly_once && x.latency.pipeline).map((x) => x.latency.exactly_once!.p99 / x.latency.pipeline!.p99);
      if (p99.length > 0) lines.push(`  exactly_once / at_least_once p99 latency (same round) ${range(p99, 2)}`);
    }
    for (const who of ['pipeline', 'exactly_once', 'bare', 'bare_published'] as const) {
      const ls = mode.rounds.map((x) => x.latency[who]).filter((l): l is LatencySummary => l !== undefined);
      if (ls.length > 0) {
        lines.push(`  end-to-end latency (append to append), ms, median (min-max) of rounds: ${LABEL[who]} p50 ${range(ls.map((l) => l.p50), 0)}, p99 ${range(ls.map((l) => l.p99), 0)}, p99.9 ${range(ls.map((l) => l.p999), 0)}`);
        const after = ls.map((l) => l.afterWarmup).filter((a): a is NonNullable<typeof a> => a !== null);
        if (after.length > 0) {
          lines.push(`    after the first ${ls[0].warmupSeconds} s of input: p50 ${range(after.map((a) => a.p50), 0)}, p99 ${range(after.map((a) => a.p99), 0)}, p99.9 ${range(after.map((a) => a.p999), 0)}`);
        }
      }
    }
  }
  lines.push(
    '',
    `Redis commands per event (saturation): sent by the pipeline ${r.redis.sentPerEvent.toFixed(5)} (${Object.entries(r.redis.sent).map(([c, n]) => `${c} ${n}`).join(', ')}); ` +
      `executed by Redis, Lua-internal calls included ${r.redis.executedPerEvent.toFixed(5)}`,
    `machine: ${r.machine.cpus} CPUs, load average ${r.machine.loadavg1.toFixed(2)} at the end, Node ${r.machine.node}`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}
