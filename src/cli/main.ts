// The command-line program. Only commander is loaded up front: each action imports
// its implementation (and with it the AWS SDK) when it runs, so `--help` stays fast.
import { Command, CommanderError, Option } from 'commander';
import { renderError } from './render-error.js';
import type { GlobalOptions } from './options.js';
import { registerProducts } from './products-commands.js';

export type Action = (opts: GlobalOptions, args: string[]) => Promise<number>;
export type Loader = () => Promise<{ default: Action }>;
/** Adds a subcommand to `parent` whose implementation is imported only when it runs. */
export type Define = (parent: Command, name: string, description: string, load: Loader) => Command;

function globalOptions(program: Command): Command {
  return program
    .option('-c, --config <file>', 'configuration file', undefined)
    .option('-e, --environment <name>', 'environment name (overrides config and TF_VAR_environment)')
    .addOption(new Option('--env <name>', 'alias of --environment').hideHelp())
    .option('-r, --region <region>', 'AWS region (overrides config, AWS_REGION)')
    .option('-p, --profile <name>', 'AWS named profile (overrides AWS_PROFILE)')
    .option('--endpoint-url <url>', 'send AWS calls to this endpoint, e.g. a local emulator (overrides AWS_ENDPOINT_URL)')
    .option('--json', 'print one JSON document on stdout instead of text')
    .option('-y, --yes', 'answer yes to confirmations (required by `down` without a terminal)')
    .option('-v, --verbose', 'show AWS call counts and stack traces');
}

export function buildProgram(run: (load: Loader, cmd: Command, args: string[]) => Promise<void>): Command {
  const program = globalOptions(new Command('projet1'))
    .description('Provision and run a serverless product catalog on AWS or a local emulator, without Terraform.')
    .version(process.env.npm_package_version ?? '0.1.0', '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  const define: Define = (parent, name, description, load) =>
    parent
      .command(name)
      .description(description)
      .exitOverride()
      .action(async (...params: unknown[]) => {
        const cmd = params.at(-1) as Command;
        await run(load, cmd, cmd.args);
      });
  const command = (name: string, description: string, load: Loader): Command => define(program, name, description, load);

  command('up', 'create or update every resource so AWS matches the configuration', () => import('./commands/up.js'));
  command('plan', 'show what `up` (or `down` with --destroy) would change, without changing anything', () => import('./commands/plan.js'))
    .option('--destroy', 'plan a teardown instead')
    .option('--exit-code', 'exit 2 when the plan has changes, 0 when none (like terraform -detailed-exitcode)');
  command('status', 'show each resource and whether it exists and matches the configuration', () => import('./commands/status.js'));
  command('outputs', 'print names, ARNs and URLs of the deployed stack', () => import('./commands/outputs.js'));
  command('down', 'delete every resource of the stack, in reverse dependency order', () => import('./commands/down.js'));
  command('admin-token <action>', 'show or rotate the API admin credential (Authorization: Bearer <token>)', () => import('./commands/admin-token.js'));
  command('emulator <action>', 'manage the local MiniStack emulator: install, start, stop, status', () => import('./commands/emulator.js'))
    .option('--port <port>', 'port for `start` (default: a free one)');
  registerProducts(program, define);
  command('config', 'print the resolved configuration and where each override came from', () => import('./commands/config.js'));
  return program;
}

/** Runs the CLI and returns the exit code; bin/ sets it on the process. */
export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  let verbose = false;
  let json = false;
  const program = buildProgram(async (load, cmd, args) => {
    const opts = cmd.optsWithGlobals<GlobalOptions>();
    verbose = Boolean(opts.verbose);
    json = Boolean(opts.json);
    const action = (await load()).default;
    exitCode = await action(opts, args);
  });
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit 0; every usage mistake is a usage error (2).
      return err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? 0 : 2;
    }
    return renderError(err, { verbose, json });
  }
}
