// How failures reach the user: one clear message for user errors, a report hint for bugs.
import { ConfigError, UserError, errorMessage } from '../errors.js';
import type { Colors } from './style.js';

const REPORT = 'This is a bug in projet1. Please report it with the output of the same command run with --verbose.';

// AWS's refusals of a call (its own error names). Checked here without the SDK: `--help` loads this file.
const REFUSALS = ['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'AuthorizationError'];
const PERMISSIONS_HINT =
  'The credentials in use lack a permission projet1 needs: `projet1 permissions` prints the policy (README.md "Permissions").';

/** A refusal no command classified (a lock, a catalog call) is still the user's to fix: one line, no bug report. */
function refusal(err: unknown): unknown {
  if (err instanceof UserError || !(err instanceof Error)) return err;
  const code = (err as Error & { Code?: string; code?: string }).code ?? err.name;
  if (!REFUSALS.includes(code)) return err;
  return new UserError(`Access denied: ${err.message.replace(/\.$/, '')}.`, { hint: PERMISSIONS_HINT, cause: err });
}

export function errorDocument(raw: unknown): Record<string, unknown> {
  const err = refusal(raw);
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

export function errorText(raw: unknown, verbose: boolean, c: Colors): string {
  const err = refusal(raw);
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
