import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DriftCommandOutcome } from '../../src/metrics/live-quality-metrics.js';
import { DriftCommand, type DriftCommandOptions } from '../../src/quality/drift-command.js';

interface Logged {
  readonly level: string;
  readonly obj: Record<string, unknown>;
  readonly msg: string;
}

function recorder(): { logger: DriftCommandOptions['logger']; lines: Logged[] } {
  const lines: Logged[] = [];
  const at = (level: string) => (obj: object, msg: string) => void lines.push({ level, obj: obj as Record<string, unknown>, msg });
  // The pino methods the command calls, with (object, message) as it calls them.
  const logger = { info: at('info'), warn: at('warn'), error: at('error') } as unknown as DriftCommandOptions['logger'];
  return { logger, lines };
}

const detection = { model: 'm', version: 'v1', statistic: 250.5 };
let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('DriftCommand', () => {
  it('runs the program without a shell, passes the detection in its environment and logs its output', async () => {
    dir = await mkdtemp(join(tmpdir(), 'drift-'));
    const file = join(dir, 'seen.txt');
    const script = `require('fs').writeFileSync(${JSON.stringify(file)}, process.env.RNN_STREAM_DRIFT_VERSION + ' ' + process.env.RNN_STREAM_DRIFT_STATISTIC + ' ' + process.argv[1]); console.log('retrain started'); console.error('warn line')`;
    const { logger, lines } = recorder();
    const outcomes: DriftCommandOutcome[] = [];
    const command = new DriftCommand({ argv: [process.execPath, '-e', script, '$(touch pwned); *'], cooldownMs: 0, timeoutMs: 30_000, logger, onOutcome: (o) => outcomes.push(o) });
    expect(await command.trigger(detection)).toBe('succeeded');
    // The argument reached the program as one literal word: no shell expanded it.
    expect(await readFile(file, 'utf8')).toBe('v1 250.5 $(touch pwned); *');
    expect(lines.some((l) => l.msg === 'drift command output' && l.obj.stream === 'stdout' && l.obj.line === 'retrain started')).toBe(true);
    expect(lines.some((l) => l.msg === 'drift command output' && l.obj.stream === 'stderr' && l.obj.line === 'warn line')).toBe(true);
    expect(outcomes).toEqual(['succeeded']);
  });

  it('counts a non-zero exit and a missing program as failed', async () => {
    const { logger } = recorder();
    const outcomes: DriftCommandOutcome[] = [];
    const exit3 = new DriftCommand({ argv: [process.execPath, '-e', 'process.exit(3)'], cooldownMs: 0, timeoutMs: 30_000, logger, onOutcome: (o) => outcomes.push(o) });
    expect(await exit3.trigger(detection)).toBe('failed');
    const missing = new DriftCommand({ argv: ['/nonexistent/retrain-command'], cooldownMs: 0, timeoutMs: 30_000, logger, onOutcome: (o) => outcomes.push(o) });
    expect(await missing.trigger(detection)).toBe('failed');
    expect(outcomes).toEqual(['failed', 'failed']);
  });

  it('stops a run past its timeout and counts it timed_out', async () => {
    const { logger } = recorder();
    const outcomes: DriftCommandOutcome[] = [];
    const command = new DriftCommand({ argv: [process.execPath, '-e', 'setTimeout(() => {}, 600000)'], cooldownMs: 0, timeoutMs: 100, logger, onOutcome: (o) => outcomes.push(o) });
    expect(await command.trigger(detection)).toBe('timed_out');
    expect(outcomes).toEqual(['timed_out']);
  });

  it('does not run again within the cool-down, nor while a run is in progress', async () => {
    const { logger } = recorder();
    const outcomes: DriftCommandOutcome[] = [];
    let now = 0;
    const command = new DriftCommand({ argv: [process.execPath, '-e', ''], cooldownMs: 1000, timeoutMs: 30_000, logger, onOutcome: (o) => outcomes.push(o), clock: () => now });
    const first = command.trigger(detection);
    expect(command.trigger(detection)).toBeUndefined();
    expect(await first).toBe('succeeded');
    now = 999;
    expect(command.trigger(detection)).toBeUndefined();
    now = 1000;
    expect(await command.trigger(detection)).toBe('succeeded');
    expect(outcomes).toEqual(['skipped_cooldown', 'succeeded', 'skipped_cooldown', 'succeeded']);
  });

  it('runs nothing without a command', () => {
    const { logger } = recorder();
    const command = new DriftCommand({ argv: [], cooldownMs: 0, timeoutMs: 1000, logger, onOutcome: () => expect.unreachable() });
    expect(command.trigger(detection)).toBeUndefined();
  });
});
