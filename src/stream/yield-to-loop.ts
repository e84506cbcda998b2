/**
 * Resolves on the event loop's next check phase (setImmediate): timers, I/O callbacks (HTTP
 * requests, socket reads) queued meanwhile run first. Used between slices of long work.
 */
export function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
