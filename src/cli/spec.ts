// Commands declared as data (after wrangler's defineCommand): what a command is called,
// its arguments and options, what it needs opened before it runs, and where its code is.
// The registry is plain data, so `--help` loads no command code and no AWS SDK.
import { Option } from 'commander';
import type { Catalog } from '../core/catalog.js';
import type { LoadedConfig } from '../config/load.js';
import type { Session } from '../core/session.js';
import type { CliHost } from './host.js';
import type { CommandOptions } from './options.js';

export interface OptionSpec {
  /** Commander flag syntax, e.g. "--limit <n>". */
  flags: string;
  description: string;
  /**
   * The handler's value from the flag's text (undefined when the flag is absent); a bad value throws
   * a UserError naming `flag`. Without it the handler gets commander's value (text, or a boolean).
   */
  parse?: (raw: string | undefined, flag: string) => unknown;
}

/** A command's options, kept literal so that the handler's `opts` type follows from them. */
export function options<const O extends readonly OptionSpec[]>(list: O): O {
  return list;
}

/** "-c, --config <file>" → "config" (the long name, as commander has it). */
type LongName<F extends string> = F extends `${string}--${infer Rest}`
  ? Rest extends `${infer Name} ${string}`
    ? Name
    : Rest
  : never;
type Camel<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<Camel<Tail>>}` : S;
/** The key commander stores an option under: "--expires-at <s>" → "expiresAt", "--no-logs" → "logs". */
export type OptionKey<F extends string> = LongName<F> extends `no-${infer Name}` ? Camel<Name> : Camel<LongName<F>>;
/** What the handler reads: what `parse` returns, else a negatable flag's boolean, a value's text, or a flag's true. */
export type OptionValue<O extends OptionSpec> = O extends { parse: (...args: never[]) => infer T }
  ? T
  : LongName<O['flags']> extends `no-${string}`
    ? boolean
    : O['flags'] extends `${string}<${string}>`
      ? string | undefined
      : true | undefined;
/** A command's options as its handler receives them, e.g. `{ limit: number; all: true | undefined }`. */
export type OptionsOf<O extends readonly OptionSpec[]> = [O[number]] extends [never]
  ? Record<never, never> // (a mapped type over none would be an index signature)
  : { [S in O[number] as OptionKey<S['flags']>]: OptionValue<S> };

/** What a command needs before its code runs; the runner opens it and cleans it up. */
export type Needs = 'none' | 'config' | 'stack' | 'stack-code' | 'catalog';

export interface BaseContext<O extends readonly OptionSpec[] = readonly []> {
  /** The global options and this command's own, parsed as declared. */
  opts: CommandOptions & OptionsOf<O>;
  args: string[];
  io: CliHost;
}
export interface ContextOf<O extends readonly OptionSpec[] = readonly []> {
  none: BaseContext<O>;
  config: BaseContext<O> & { loaded: LoadedConfig };
  /** A session without bundled handler code (teardown, outputs, admin token). */
  stack: BaseContext<O> & { session: Session };
  /** A session whose desired state includes the bundled handlers (plan, up, status). */
  'stack-code': BaseContext<O> & { session: Session };
  /** Config and a DynamoDB client, after checking that the table is this stack's. */
  catalog: BaseContext<O> & { catalog: Catalog };
}

/** A command's code: returns the exit code (0 when omitted). `O` is its options' declaration. */
export type Handler<N extends Needs, O extends readonly OptionSpec[] = readonly []> = (
  ctx: ContextOf<O>[N],
) => Promise<number | undefined>;

/** A command as declared: `load` gives a handler for exactly these `needs` and `options`. */
export interface CommandDeclaration<N extends Needs, O extends readonly OptionSpec[]> {
  name: string;
  summary: string;
  /** Positional arguments in commander syntax, e.g. "<product_id>". */
  args?: string;
  options?: O;
  needs: N;
  /** Ctrl-C stops starting new work and lets calls in flight finish (exit 130). */
  interruptible?: boolean;
  /** Changes the stack: holds the stack lock while it runs (and gets `--force-unlock`). */
  locks?: boolean;
  /** Imports the command's code when it runs. */
  load: () => Promise<Handler<N, O>>;
}

/** A command in the registry's mixed list, as the runner sees it (defineCommand checked its types). */
export interface CommandSpec extends Omit<CommandDeclaration<Needs, readonly OptionSpec[]>, 'load'> {
  load: () => Promise<Handler<Needs>>;
}

export interface GroupSpec {
  name: string;
  summary: string;
  commands: CommandSpec[];
}

/**
 * Each declared option's value as the handler reads it. Run when the handler is called, after what
 * the command needs is open, so a bad value is reported where the handler used to check it.
 */
function parseOptions(list: readonly OptionSpec[], given: CommandOptions): CommandOptions {
  const raw: Record<string, unknown> = { ...given };
  const out: Record<string, unknown> = { ...given };
  for (const spec of list) {
    if (!spec.parse) continue;
    const option = new Option(spec.flags);
    const value = raw[option.attributeName()];
    out[option.attributeName()] = spec.parse(typeof value === 'string' ? value : undefined, option.long ?? spec.flags);
  }
  return out;
}

/**
 * Keeps each command's `needs`, options and handler type tied together inside a mixed list: the
 * handler must be a `Handler<needs, typeof itsOptions>`, so an option it reads but does not declare
 * fails to compile. The handler it loads gets its options parsed.
 */
export function defineCommand<N extends Needs, const O extends readonly OptionSpec[] = readonly []>(
  spec: CommandDeclaration<N, O>,
): CommandSpec {
  const list: readonly OptionSpec[] = spec.options ?? [];
  const load = async (): Promise<Handler<Needs>> => {
    // The runner calls every handler with a BaseContext; its options are this command's.
    const run = (await spec.load()) as unknown as (ctx: BaseContext) => Promise<number | undefined>;
    return (ctx: BaseContext) => run({ ...ctx, opts: parseOptions(list, ctx.opts) });
  };
  return { ...spec, load };
}
