// Commands declared as data (after wrangler's defineCommand): what a command is called,
// its arguments and options, what it needs opened before it runs, and where its code is.
// The registry is plain data, so `--help` loads no command code and no AWS SDK.
import type { Catalog } from '../core/catalog.js';
import type { LoadedConfig } from '../config/load.js';
import type { Session } from '../core/session.js';
import type { CliHost } from './host.js';
import type { CommandOptions } from './options.js';

export interface OptionSpec {
  /** Commander flag syntax, e.g. "--limit <n>". */
  flags: string;
  description: string;
}

/** What a command needs before its code runs; the runner opens it and cleans it up. */
export type Needs = 'none' | 'config' | 'stack' | 'stack-code' | 'catalog';

export interface BaseContext {
  opts: CommandOptions;
  args: string[];
  io: CliHost;
}
export interface ContextOf {
  none: BaseContext;
  config: BaseContext & { loaded: LoadedConfig };
  /** A session without bundled handler code (teardown, outputs, admin token). */
  stack: BaseContext & { session: Session };
  /** A session whose desired state includes the bundled handlers (plan, up, status). */
  'stack-code': BaseContext & { session: Session };
  /** Config and a DynamoDB client, after checking that the table is this stack's. */
  catalog: BaseContext & { catalog: Catalog };
}

/** A command's code: returns the exit code (0 when omitted). */
export type Handler<N extends Needs> = (ctx: ContextOf[N]) => Promise<number | undefined>;

export interface CommandSpec<N extends Needs = Needs> {
  name: string;
  summary: string;
  /** Positional arguments in commander syntax, e.g. "<product_id>". */
  args?: string;
  options?: OptionSpec[];
  needs: N;
  /** Ctrl-C stops starting new work and lets calls in flight finish (exit 130). */
  interruptible?: boolean;
  /** Changes the stack: holds the stack lock while it runs (and gets `--force-unlock`). */
  locks?: boolean;
  /** Imports the command's code when it runs. */
  load: () => Promise<Handler<N>>;
}

export interface GroupSpec {
  name: string;
  summary: string;
  commands: CommandSpec[];
}

/** Keeps each command's `needs` and handler type tied together inside a mixed list. */
export function defineCommand<N extends Needs>(spec: CommandSpec<N>): CommandSpec {
  return spec as unknown as CommandSpec;
}
