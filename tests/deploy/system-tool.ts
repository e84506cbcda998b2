/**
 * Finds a command-line tool the deployment tests need (promtool, prometheus, docker-compose),
 * installed from Debian's packages by .ci/run. Outside CI a missing tool skips those tests; with
 * CI=true it never does: the test fails and says which package to install.
 */
import { spawnSync } from 'node:child_process';

const isCI = process.env.CI === 'true';

/** True when `command --version` runs. */
export function hasTool(command: string): boolean {
  const r = spawnSync(command, ['--version'], { encoding: 'utf-8' });
  return r.error === undefined && r.status === 0;
}

/** Whether tests needing `command` are skipped here (never under CI). */
export function skipWithoutTool(command: string): boolean {
  return !isCI && !hasTool(command);
}

/** Throws a clear error when `command` is missing (call in beforeAll: under CI the test fails). */
export function requireTool(command: string, debianPackage: string): void {
  if (!hasTool(command)) throw new Error(`${command} is not installed: apt-get install ${debianPackage} (.ci/run does)`);
}

/** Runs `command args` and returns its output; throws with the output when it exits non-zero. */
export function runTool(command: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const r = spawnSync(command, [...args], { encoding: 'utf-8', cwd: options.cwd, env: options.env ?? process.env });
  if (r.error) throw r.error;
  const output = `${r.stdout}${r.stderr}`;
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${r.status}:\n${output}`);
  return output;
}
