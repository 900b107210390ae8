// How failures reach the user: one clear message for user errors, a report hint for bugs.
import { ConfigError, UserError, errorMessage } from '../errors.js';
import type { Colors } from './style.js';

const REPORT = 'This is a bug in projet1. Please report it with the output of the same command run with --verbose.';

export function errorDocument(err: unknown): Record<string, unknown> {
  const user = err instanceof UserError;
  return {
    kind: user ? err.name : 'InternalError',
    message: errorMessage(err),
    exitCode: user ? err.exitCode : 1,
    ...(user && err.hint ? { hint: err.hint } : {}),
    ...(err instanceof ConfigError ? { issues: err.issues } : {}),
    ...(!user ? { report: REPORT } : {}),
  };
}

export function errorText(err: unknown, verbose: boolean, c: Colors): string {
  let text: string;
  if (err instanceof UserError)
    text = `${c.red('Error:')} ${err.message}\n${err.hint ? `${c.dim('Hint:')} ${err.hint}\n` : ''}`;
  else text = `${c.red('Internal error:')} ${errorMessage(err)}\n${REPORT}\n`;
  if (verbose && err instanceof Error && err.stack) {
    text += `${err.stack}\n`;
    if (err.cause instanceof Error && err.cause.stack) text += `Caused by: ${err.cause.stack}\n`;
  }
  return text;
}
