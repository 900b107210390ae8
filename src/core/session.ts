// A session: validated config, AWS clients and the stack's resources, ready for a command.
import { AwsClients, type AwsTarget } from '../../runtime/aws/clients.js';
import { cliCredentials } from '../aws/credentials.js';
import { loadConfig, type ConfigFlags, type LoadedConfig } from '../config/load.js';
import { readSharedConfig } from '../config/shared-config.js';
import type { Config } from '../config/schema.js';
import type { Reporter } from '../engine/events.js';
import type { ProvisionContext } from '../engine/types.js';
import { bundleHandlers } from '../build/bundle.js';
import { FUNCTIONS } from '../config/functions.js';
import { caForEndpoint } from '../emulator/ministack.js';
import { PACKAGE_ROOT } from '../paths.js';
import { type AppStack, buildStack } from '../stack/stack.js';
import type { StackEnv } from '../stack/stack-env.js';
import { stackEnvFrom } from './failover-outage.js';

export interface Session {
  loaded: LoadedConfig;
  config: Config;
  aws: AwsClients;
  env: StackEnv;
  stack: AppStack;
  /** Set when the stack's region did not answer STS and `outageRegion` did (`failover --to`). */
  regionDown?: { answeredIn: string; why: string };
  /** A provision context for resource `id`, reporting notes through `reporter`. */
  context(reporter: Reporter): (id: string) => ProvisionContext;
}

export interface SessionOptions {
  flags: ConfigFlags;
  /** Bundle the handlers (plan, up, status); teardown and outputs do not need code. */
  withCode?: boolean;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Where to ask STS when the stack's region does not answer (only `failover --to`, failover-outage.ts). */
  outageRegion?: string;
}

/** The configuration, with the region of the AWS profile in use when nothing else sets one. */
export async function openConfig(options: SessionOptions): Promise<LoadedConfig> {
  const env = options.env ?? process.env;
  return loadConfig(options.flags, env, options.cwd ?? process.cwd(), await readSharedConfig(env));
}

/** The CLI's clients for a configuration: its region, endpoint and profile, the CLI credential chain. */
export function cliClients(config: Config, env: NodeJS.ProcessEnv = process.env): AwsClients {
  const target = cliTarget(config, env);
  return new AwsClients(target, { credentials: cliCredentials(target, env) });
}

/** Where the CLI's calls go for a configuration, with its certificate authorities and time bounds. */
export function cliTarget(config: Config, env: NodeJS.ProcessEnv = process.env): AwsTarget {
  const caBundle = [env.AWS_CA_BUNDLE, caForEndpoint(config.endpointUrl)].filter((f): f is string => Boolean(f));
  const timeouts = {
    connectMs: config.aws.connectTimeoutSeconds * 1000,
    requestMs: config.aws.requestTimeoutSeconds * 1000,
  };
  return { region: config.region, endpointUrl: config.endpointUrl, profile: config.profile, caBundle, timeouts };
}

export async function openSession(options: SessionOptions): Promise<Session> {
  const loaded = await openConfig(options);
  const { config } = loaded;
  const aws = cliClients(config, options.env);
  const [first, packages] = await Promise.all([
    stackEnvFrom(aws, options.outageRegion),
    options.withCode === false
      ? undefined
      : bundleHandlers(
          PACKAGE_ROOT,
          FUNCTIONS.map((f) => f.id),
        ),
  ]);
  const { env, via, why } = first;
  const stack = buildStack(config, env, packages);
  const byId = new Map(stack.resources.map((r) => [r.id, r]));
  return {
    loaded,
    config,
    aws,
    env,
    stack,
    ...(via ? { regionDown: { answeredIn: via, why: why ?? '' } } : {}),
    context: (reporter) => (id) => ({
      aws,
      note: (message) => reporter.event({ type: 'note', id, name: byId.get(id)?.name ?? id, message }),
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      // An IoHost's stop signal reaches the provisioners' long waits (a replica CREATING for minutes).
      ...('signal' in reporter && reporter.signal instanceof AbortSignal ? { signal: reporter.signal } : {}),
    }),
  };
}
