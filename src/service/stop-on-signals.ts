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
 * operator can always get out. With `onParentExit`, a process started by fork also stops (as on
 * SIGTERM) when its IPC channel to the parent closes: the supervisor of `run --workers` is gone.
 */
export function stopOnSignals(signals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'], opts: { onParentExit?: boolean } = {}): SignalStop {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals): void => {
    received = sig;
    for (const s of signals) process.off(s, onSignal);
    controller.abort();
  };
  for (const s of signals) process.once(s, onSignal);
  const onDisconnect = (): void => {
    if (!controller.signal.aborted) onSignal('SIGTERM');
  };
  const watchParent = opts.onParentExit === true && process.connected;
  if (watchParent) process.once('disconnect', onDisconnect);
  return {
    signal: controller.signal,
    received: () => received,
    dispose: () => {
      for (const s of signals) process.off(s, onSignal);
      if (watchParent) {
        process.off('disconnect', onDisconnect);
        // The open IPC channel would keep the process alive after the service stopped.
        process.disconnect?.();
      }
    },
  };
}
