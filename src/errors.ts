// Error classes decide how a failure is shown and which exit code it gets.
// User errors (bad config, missing credentials, refused operation) print one clear
// message without a stack; anything else is an internal error with a report hint.

export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  /** plan --exit-code: the plan has changes (as terraform's -detailed-exitcode). */
  changes: 2,
  notFound: 3,
  conflict: 4,
} as const;

export class UserError extends Error {
  readonly exitCode: number;
  /** Optional advice printed after the message. */
  readonly hint: string | undefined;
  constructor(message: string, opts: { exitCode?: number; hint?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'UserError';
    this.exitCode = opts.exitCode ?? EXIT.failure;
    this.hint = opts.hint;
  }
}

export interface ConfigIssue {
  /** JSON path of the offending value, e.g. `table.readCapacity`; `(file)` for file-level problems. */
  path: string;
  message: string;
  /** Where the value came from: the config file, an environment variable or a flag. */
  source?: string;
}

export class ConfigError extends UserError {
  readonly issues: ConfigIssue[];
  /** `file`: the label of the config file read. When every issue comes from a flag or an environment variable, the file is not blamed. */
  constructor(file: string, issues: ConfigIssue[]) {
    const lines = issues.map((i) => `  - ${i.path}: ${i.message}${i.source ? ` (from ${i.source})` : ''}`);
    const overrides = issues.length > 0 && issues.every((i) => i.source !== undefined);
    const what = overrides
      ? 'Invalid setting from the command line or the environment'
      : `Invalid configuration (${file})`;
    super(`${what}: ${issues.length} problem${issues.length === 1 ? '' : 's'}\n${lines.join('\n')}`, {
      exitCode: EXIT.usage,
      hint: overrides
        ? 'Fix the named flag or environment variable; README.md "Configuration" lists the allowed values.'
        : 'Fix the listed values; see README.md "Configuration" for every key.',
    });
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/** AWS could not be reached or refused us: endpoint down, no credentials, access denied, wrong region. */
export class AwsAccessError extends UserError {
  constructor(message: string, hint?: string, cause?: unknown) {
    super(message, { exitCode: EXIT.failure, hint, cause });
    this.name = 'AwsAccessError';
  }
}

/** A resource with our deterministic name exists but is not ours (other stack or not managed by projet1). */
export class ConflictError extends UserError {
  constructor(message: string, hint?: string) {
    super(message, { exitCode: EXIT.conflict, hint });
    this.name = 'ConflictError';
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
