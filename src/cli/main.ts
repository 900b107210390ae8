// The command-line program: builds commander from the command registry (data), runs the
// chosen command through the I/O host, and turns every outcome into an exit code. Only
// commander is loaded up front; a command's code (and the AWS SDK) loads when it runs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { EXIT, UserError } from '../errors.js';
import { PACKAGE_ROOT } from '../paths.js';
import { CliHost } from './host.js';
import { isInteractive } from './progress.js';
import { isStopSignal, STOP_SIGNALS, signalExitCode } from './signals.js';
import type { HeldLock } from '../core/lock.js';
import type { CommandOptions } from './options.js';
import { COMMANDS } from './registry.js';
import type { CommandSpec, GroupSpec } from './spec.js';

function globalOptions(program: Command): Command {
  return program
    .option('-c, --config <file>', 'configuration file (default: ./projet1.config.json)')
    .option('-e, --environment <name>', 'environment name (overrides config and TF_VAR_environment)')
    .addOption(new Option('--env <name>', 'alias of --environment').hideHelp())
    .option('-r, --region <region>', 'AWS region (overrides config, AWS_REGION)')
    .option('-p, --profile <name>', 'AWS named profile (overrides AWS_PROFILE)')
    .option(
      '--endpoint-url <url>',
      'send AWS calls to this endpoint, e.g. a local emulator (overrides AWS_ENDPOINT_URL)',
    )
    .option('--json', 'print exactly one JSON document on stdout, whatever happens')
    .option('--events', 'with --json: stream progress and messages as JSON lines on stderr')
    .option('-y, --yes', 'approve deletions and permission changes without asking (required without a terminal)')
    .option('-v, --verbose', 'show AWS call counts, debug messages and stack traces');
}

/** projet1's own version, from its package.json (not the version of the project it runs in). */
export function version(): string {
  return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

class UsageError extends UserError {
  constructor(message: string, hint?: string) {
    super(message, { exitCode: EXIT.usage, ...(hint ? { hint } : {}) });
    this.name = 'UsageError';
  }
}

interface Outcome {
  code: number;
  host: CliHost | undefined;
  streams: Streams;
}

/** Where the CLI writes; the process's own streams unless a caller (a test) captures them. */
export interface Streams {
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
}

function addCommand(parent: Command, spec: CommandSpec, prefix: string, outcome: Outcome): void {
  const cmd = parent.command(spec.name).description(spec.summary).exitOverride();
  if (spec.args) cmd.arguments(spec.args);
  for (const o of spec.options ?? []) cmd.option(o.flags, o.description);
  if (spec.locks)
    cmd.option('--force-unlock', "break the stack's lock held by another run (only when nothing else runs)");
  cmd.action(async (...params: unknown[]) => {
    const c = params.at(-1) as Command;
    const opts = c.optsWithGlobals<CommandOptions>();
    const stderr = outcome.streams.stderr ?? process.stderr;
    const live =
      !opts.json && isInteractive(stderr, process.env) ? (await import('log-update')).createLogUpdate : undefined;
    const host = new CliHost({
      command: `${prefix}${spec.name}`,
      json: Boolean(opts.json),
      verbose: Boolean(opts.verbose),
      yes: Boolean(opts.yes),
      events: Boolean(opts.events),
      ...outcome.streams,
      ...(live ? { liveUpdate: live } : {}),
      stopMode: spec.interruptible ? 'announce' : 'end',
    });
    outcome.host = host;
    // The one place the process's stop signals are handled: they abort the host's signal, which the
    // core honours; a command that cannot stop half-way ends here.
    let lock: HeldLock | undefined;
    const onStop = stopHandler(host, (code) => process.exit(code));
    const unhook = (): void => {
      for (const signal of STOP_SIGNALS) process.off(signal, onStop);
    };
    for (const signal of STOP_SIGNALS) process.on(signal, onStop);
    const unwatch = endAtStop(host, () => lock, unhook);
    try {
      const handler = await spec.load();
      const { runWithNeeds } = await import('./context.js');
      outcome.code = await runWithNeeds(spec, { opts, args: c.args, io: host }, handler, (held) => {
        lock = held;
      });
    } finally {
      unwatch();
      unhook();
      host.close();
    }
  });
}

/**
 * First Ctrl-C (or SIGTERM): abort the run's signal (stop starting work, let what is in flight finish,
 * report). Second: quit now, with 128 + the signal's number as shells report it.
 */
export function stopHandler(
  host: Pick<CliHost, 'interrupted' | 'interrupt'>,
  exit: (code: number) => void,
): (signal: NodeJS.Signals) => void {
  return (signal) => {
    if (host.interrupted) exit(signalExitCode(signal));
    else host.interrupt(signal);
  };
}

/**
 * A command that cannot stop half-way (stop mode `end`) ends at the first stop signal, as it always
 * did: by the signal itself, or, holding the stack lock, with 128 + its number once the lock is
 * released (killed with it, the stack would stay locked until the lease runs out). A lost lock is not
 * a stop signal: the run reports it. Returns what stops watching.
 */
function endAtStop(host: CliHost, lock: () => HeldLock | undefined, unhook: () => void): () => void {
  const onAbort = (): void => {
    const reason: unknown = host.signal.reason;
    // `logs --follow` (stop mode `quiet`) ends by itself.
    if (host.stopMode !== 'end' || !isStopSignal(reason)) return;
    const held = lock();
    if (held) void held.release().finally(() => process.exit(signalExitCode(reason)));
    else {
      unhook();
      process.kill(process.pid, reason);
    }
  };
  host.signal.addEventListener('abort', onAbort, { once: true });
  return () => host.signal.removeEventListener('abort', onAbort);
}

function addGroup(program: Command, group: GroupSpec, outcome: Outcome): void {
  const names = group.commands.map((c) => c.name);
  const cmd = program
    .command(group.name)
    .description(group.summary)
    .exitOverride()
    .argument('[action]')
    .usage('<action> [options]');
  // Without (or with an unknown) action, say which ones exist instead of printing help.
  cmd.action((action: string | undefined) => {
    const what =
      action === undefined ? `\`projet1 ${group.name}\` needs an action` : `Unknown ${group.name} action "${action}"`;
    throw new UsageError(`${what}: one of ${names.join(', ')}.`, `Run \`projet1 ${group.name} --help\` for details.`);
  });
  for (const spec of group.commands) addCommand(cmd, spec, `${group.name} `, outcome);
  // A group's help is its list of actions: the 20 lines of global options (which its actions'
  // help shows) pushed that list off the screen. Set after the actions copied the setting.
  cmd.configureHelp({ showGlobalOptions: false });
  cmd.addHelpText(
    'after',
    `\nGlobal options (-c, -e, -r, -p, --endpoint-url, --json, --events, -y, -v) apply to every action: \`projet1 ${group.name} ${names[0] ?? ''} --help\` lists them.`,
  );
}

export function buildProgram(
  outcome: Outcome,
  writeErr: (text: string) => void,
  writeOut: (text: string) => void = (text) => process.stdout.write(text),
): Command {
  const program = globalOptions(new Command('projet1'))
    .description('Provision and run a serverless product catalog on AWS or a local emulator, without Terraform.')
    .version(version(), '-V, --version')
    .configureHelp({ showGlobalOptions: true })
    .configureOutput({ writeErr, writeOut })
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const entry of COMMANDS) {
    if ('commands' in entry) addGroup(program, entry, outcome);
    else addCommand(program, entry, '', outcome);
  }
  return program;
}

/** Runs the CLI and returns the exit code; bin/ sets it on the process. */
export async function main(argv: string[], streams: Streams = {}): Promise<number> {
  const json = argv.includes('--json');
  const outcome: Outcome = { code: 0, host: undefined, streams };
  const stderr = streams.stderr ?? process.stderr;
  // With --json, commander's own error text becomes the JSON error document instead.
  const program = buildProgram(
    outcome,
    (text) => (json ? undefined : stderr.write(text)),
    (text) => (streams.stdout ?? process.stdout).write(text),
  );

  try {
    await program.parseAsync(argv);
    return outcome.code;
  } catch (err) {
    const host =
      outcome.host ??
      new CliHost({
        command: argv.slice(2).filter((a) => !a.startsWith('-'))[0] ?? '',
        json,
        verbose: argv.includes('--verbose'),
        yes: false,
        events: json && argv.includes('--events'),
        ...streams,
      });
    if (err instanceof CommanderError) {
      // Help and version exit 0; every usage mistake is a usage error (2).
      if (err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return 0;
      if (json) return host.error(new UsageError(err.message.replace(/^error: /, ''), 'Run with --help for usage.'));
      return EXIT.usage;
    }
    return host.error(err);
  }
}
