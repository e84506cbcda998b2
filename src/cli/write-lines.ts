import { once } from 'node:events';
import type { Writable } from 'node:stream';

/**
 * Writes one line. Returns a promise of 'drain' only when the stream's buffer is full (bounded
 * memory); otherwise nothing, so a caller writing line after line awaits only when it must.
 */
export function writeLine(out: Writable, line: string): Promise<void> | undefined {
  return out.write(`${line}\n`) ? undefined : once(out, 'drain').then(() => undefined);
}

/** Ends a writable (unless it is stdout/stderr) and waits until everything is flushed. */
export async function finish(out: Writable): Promise<void> {
  if (out === process.stdout || out === process.stderr) return;
  out.end();
  await once(out, 'finish');
}
