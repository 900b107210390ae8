// The signals that stop a run: Ctrl-C, and SIGTERM from `kill`, `timeout`, a cancelled CI job or a
// container being stopped. Both get the same care: the stack lock is never left behind by either.
import { constants } from 'node:os';

export const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** 128 + the signal's number, as shells report a process the signal ended. */
export const signalExitCode = (signal: NodeJS.Signals): number => 128 + (constants.signals[signal] ?? 2);

/** A stop signal's name, as the host's stop signal carries it for its `reason`. */
export const isStopSignal = (reason: unknown): reason is (typeof STOP_SIGNALS)[number] =>
  STOP_SIGNALS.some((s) => s === reason);

/**
 * What the first stop signal does to a run (every mode aborts the host's signal): `announce`, a
 * command that can stop cleanly says it is stopping; `quiet`, one that runs until stopped (`logs
 * --follow`) just ends; `end`, one that cannot stop half-way is ended by main.ts (lock released first).
 */
export type StopMode = 'announce' | 'quiet' | 'end';
