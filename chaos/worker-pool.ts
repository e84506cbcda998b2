/**
 * The `rnn-stream run` processes of a chaos run, all in one consumer group: started as a user
 * starts them (`bin/rnn-stream.js`, the compiled dist/ the runner builds first), signalled (SIGKILL, SIGTERM, SIGSTOP/SIGCONT) and restarted. Their
 * environment has no RNN_STREAM_* variable, so only the run's config file says where they
 * connect. Output goes to one log file per process start.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { openSync, closeSync } from 'node:fs';
import { join } from 'node:path';

export class WorkerPool {
  private readonly procs = new Map<number, ChildProcess>();
  private starts = 0;
  /** Non-zero exits not caused by the runner. */
  readonly unexpectedExits: string[] = [];
  private readonly expected = new Set<ChildProcess>();

  constructor(private readonly root: string, private readonly configFile: string, private readonly logDir: string) {}

  /** Slots with a live process. */
  live(): number[] {
    return [...this.procs.keys()];
  }

  /** Starts a process in `slot` (the slot must be free). */
  start(slot: number): void {
    if (this.procs.has(slot)) throw new Error(`worker slot ${slot} is taken`);
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('RNN_STREAM_')) env[k] = v;
    const log = openSync(join(this.logDir, `worker-${slot}-${++this.starts}.log`), 'a');
    const child = spawn(process.execPath, [join(this.root, 'bin/rnn-stream.js'), 'run', '--config', this.configFile], {
      cwd: this.root,
      env,
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    child.on('exit', (code, signal) => {
      if (this.procs.get(slot) === child) this.procs.delete(slot);
      if (!this.expected.has(child) && code !== 0) this.unexpectedExits.push(`worker ${slot} (start ${this.starts}) exited with ${code ?? signal}`);
    });
    this.procs.set(slot, child);
  }

  /** Sends `signal` to the process in `slot`; for SIGKILL and SIGTERM waits until it is gone. */
  async signal(slot: number, signal: 'SIGKILL' | 'SIGTERM' | 'SIGSTOP' | 'SIGCONT'): Promise<void> {
    const child = this.procs.get(slot);
    if (!child) throw new Error(`no worker in slot ${slot}`);
    if (signal === 'SIGKILL' || signal === 'SIGTERM') this.expected.add(child);
    const gone = signal === 'SIGKILL' || signal === 'SIGTERM' ? once(child, 'exit') : null;
    child.kill(signal);
    if (gone) await gone;
  }

  /** Stops every process gracefully (SIGTERM), SIGKILL after `timeoutMs`. */
  async stopAll(timeoutMs = 40_000): Promise<void> {
    await Promise.all(
      [...this.procs.keys()].map(async (slot) => {
        const child = this.procs.get(slot)!;
        this.expected.add(child);
        child.kill('SIGCONT');
        const gone = once(child, 'exit');
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        await gone;
        clearTimeout(timer);
      }),
    );
  }
}
