// How failures reach the user: one clear message for user errors, a report hint for bugs.
import { ConfigError, UserError, errorMessage } from '../errors.js';

const REPORT = 'This is a bug in projet1. Please report it with the output of the same command run with --verbose.';

export function renderError(err: unknown, opts: { verbose: boolean; json: boolean }): number {
  const user = err instanceof UserError;
  const code = user ? err.exitCode : 1;
  if (opts.json) {
    const body = {
      ok: false,
      error: {
        kind: user ? err.name : 'InternalError',
        message: errorMessage(err),
        ...(user && err.hint ? { hint: err.hint } : {}),
        ...(err instanceof ConfigError ? { issues: err.issues } : {}),
        ...(!user ? { report: REPORT } : {}),
      },
    };
    process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
  } else if (user) {
    process.stderr.write(`Error: ${err.message}\n${err.hint ? `Hint: ${err.hint}\n` : ''}`);
  } else {
    process.stderr.write(`Internal error: ${errorMessage(err)}\n${REPORT}\n`);
  }
  if (opts.verbose && err instanceof Error && err.stack) {
    process.stderr.write(`${err.stack}\n`);
    if (err.cause instanceof Error && err.cause.stack) process.stderr.write(`Caused by: ${err.cause.stack}\n`);
  }
  return code;
}
