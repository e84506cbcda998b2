/** An AbortSignal that fires on SIGINT or SIGTERM, and the means to stop listening. */
export interface SignalStop {
  readonly signal: AbortSignal;
  /** Which signal fired, once one did. */
  readonly received: () => NodeJS.Signals | undefined;
  /** Removes the handlers (the process's default behaviour on those signals comes back). */
  dispose(): void;
}

/**
 * Turns the first SIGINT/SIGTERM into an abort, so a command can finish the work in hand and
 * clean up. A second signal while stopping is left to Node's default (immediate exit), so an
 * operator can always get out.
 */
export function stopOnSignals(signals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM']): SignalStop {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals): void => {
    received = sig;
    for (const s of signals) process.off(s, onSignal);
    controller.abort();
  };
  for (const s of signals) process.once(s, onSignal);
  return {
    signal: controller.signal,
    received: () => received,
    dispose: () => {
      for (const s of signals) process.off(s, onSignal);
    },
  };
}
