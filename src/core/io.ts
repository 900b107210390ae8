// The one channel between the core and whoever drives it (after the CDK toolkit's IoHost):
// engine events, messages with a level and a stable code (typed by the catalog in io-messages.ts), confirmation requests, and the
// user's request to stop. The CLI implements it for a terminal, a log or --json; tests
// implement it in memory. The core never prints.
import type { Reporter } from '../engine/events.js';
import type { Change, Plan } from '../engine/types.js';
import { UserError } from '../errors.js';
import type { ConfirmCode, IoMessage } from './io-messages.js';

export type { DataOf, IoCode, IoLevel, IoMessage } from './io-messages.js';

export interface ConfirmRequest {
  code: ConfirmCode;
  question: string;
  /** The plan awaiting approval, and the changes that made it need one. */
  plan: Plan;
  changes: Change[];
  /** The command that shows what is asked for (`projet1 plan --destroy` for a down). */
  review: string;
}

export interface IoHost extends Reporter {
  notify(message: IoMessage): void;
  /** Resolves true to go on. A host that cannot ask (no terminal) throws a UserError instead. */
  requestConfirmation(request: ConfirmRequest): Promise<boolean>;
  /**
   * Aborted once the run must stop (Ctrl-C, SIGTERM, a lost stack lock; `reason` says which): start
   * nothing new, let running calls finish, report what was done. The one way a run is stopped.
   */
  readonly signal: AbortSignal;
}

export const silentIo: IoHost = {
  event: () => undefined,
  notify: () => undefined,
  requestConfirmation: () => Promise.resolve(true),
  signal: new AbortController().signal,
};

/** Exit code of a run stopped by Ctrl-C (128 + SIGINT), as shells report it. */
export const EXIT_INTERRUPTED = 130;

/** The user stopped a run: says what was done and that running the command again resumes. */
export class InterruptedError extends UserError {
  /** What was done before stopping, e.g. "3 created, 0 updated, 0 deleted before stopping; …". */
  readonly done: string;
  constructor(done: string, again: string) {
    super(`Interrupted. ${done}`, {
      exitCode: EXIT_INTERRUPTED,
      hint: `Nothing is half-made: run \`${again}\` again to resume.`,
    });
    this.name = 'InterruptedError';
    this.done = done;
  }
}
