import { once } from 'node:events';
import type { Writable } from 'node:stream';

/** Writes one line, waiting for 'drain' when the stream's buffer is full (bounded memory). */
export async function writeLine(out: Writable, line: string): Promise<void> {
  if (!out.write(`${line}\n`)) await once(out, 'drain');
}

/** Ends a writable (unless it is stdout/stderr) and waits until everything is flushed. */
export async function finish(out: Writable): Promise<void> {
  if (out === process.stdout || out === process.stderr) return;
  out.end();
  await once(out, 'finish');
}
