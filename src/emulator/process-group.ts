// The emulator's process group: it runs in its own (so that stopping it also ends the Lambda workers
// it forks), which the tests' and benches' own emulators must not outlive.

/** Ends the emulator and everything it started; nothing to do if it is gone already. */
export function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    /* already gone */
  }
}

/**
 * An emulator this process owns ends with it, however it ends: at exit, or at a signal. It has its own
 * process group (so that stopping it ends its Lambda workers too), so Ctrl-C on `npm test` reached the
 * tests and not it, and left it running. Returns what stops watching.
 */
export function diesWithThisProcess(pid: number): () => void {
  const onExit = (): void => killGroup(pid);
  const onSignal = (signal: NodeJS.Signals): void => {
    killGroup(pid);
    // Then the signal's usual outcome, unless someone else handles it.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  process.once('exit', onExit);
  for (const signal of signals) process.once(signal, onSignal);
  return () => {
    process.off('exit', onExit);
    for (const signal of signals) process.off(signal, onSignal);
  };
}
