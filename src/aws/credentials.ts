// Credentials for the CLI: the standard chain on real AWS; on an emulator endpoint,
// the user's own keys if configured, else the emulator convention test/test.
import { existsSync } from 'node:fs';
import { BlockList, isIP } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AwsCredentialIdentity } from '@smithy/types';
import { AwsAccessError, EXIT, UserError } from '../errors.js';
import type { AwsTarget, CredentialSource } from '../../runtime/aws/clients.js';

export function cliCredentials(target: AwsTarget, env: NodeJS.ProcessEnv = process.env): CredentialSource {
  let cached: Promise<AwsCredentialIdentity> | undefined;
  return () => (cached ??= load(target, env));
}

async function load(target: AwsTarget, env: NodeJS.ProcessEnv): Promise<AwsCredentialIdentity> {
  const { fromNodeProviderChain, fromIni } = await import('@aws-sdk/credential-providers');
  const profile = target.profile ?? undefined;
  if (target.endpointUrl) {
    const endpoint = target.endpointUrl;
    // Skip the full chain: its instance-metadata probe costs a second when nothing answers.
    if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
      return checkedForEndpoint(endpoint, 'AWS_ACCESS_KEY_ID in the environment', {
        accessKeyId: env.AWS_ACCESS_KEY_ID,
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
        ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
      });
    }
    if (profile || hasSharedConfig(env)) {
      let found: AwsCredentialIdentity | undefined;
      try {
        found = await fromIni({ profile })();
      } catch {
        /* fall through to the emulator convention */
      }
      if (found) return checkedForEndpoint(endpoint, `profile "${profile ?? env.AWS_PROFILE ?? 'default'}"`, found);
    }
    return { ...EMULATOR_CREDENTIALS };
  }
  try {
    return await fromNodeProviderChain({ profile })();
  } catch (err) {
    throw new AwsAccessError(
      `No AWS credentials found${profile ? ` for profile "${profile}"` : ''}.`,
      'Configure credentials (aws configure, AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY), or pass --endpoint-url to use a local emulator.',
      err,
    );
  }
}

/** The emulators' convention (MiniStack, LocalStack): a key that signs nothing of value. */
const EMULATOR_CREDENTIALS: AwsCredentialIdentity = { accessKeyId: 'test', secretAccessKey: 'test' };

/** Real credentials: anything but the emulator convention test/test, whatever account they belong to. */
export function isRealCredentials(c: AwsCredentialIdentity): boolean {
  return !(c.accessKeyId === 'test' && c.secretAccessKey === 'test');
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');
LOOPBACK.addSubnet('::ffff:127.0.0.0', 104, 'ipv6');

/** Whether requests to `endpoint` never leave this machine: localhost, 127.0.0.0/8 or ::1 (an IPv4-mapped 127.x too). */
export function isLoopback(endpoint: string): boolean {
  let host: string;
  try {
    host = new URL(endpoint).hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  } catch {
    return false;
  }
  if (host === 'localhost') return true;
  const family = isIP(host);
  return family !== 0 && LOOPBACK.check(host, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * Real credentials go to an endpoint other than AWS only over HTTPS, or to one on this machine:
 * over plain HTTP on a network, anyone on the path reads every signed request (and the answers:
 * the admin token's parameter among them) and can replay a request to AWS while its signature is valid.
 */
function checkedForEndpoint(endpoint: string, source: string, c: AwsCredentialIdentity): AwsCredentialIdentity {
  if (!isRealCredentials(c) || isLoopback(endpoint) || !endpoint.toLowerCase().startsWith('http:')) return c;
  throw new UserError(
    `Refusing to sign requests to ${endpoint} over plain HTTP with real AWS credentials (${source}; real means any but the emulator's test/test).`,
    {
      exitCode: EXIT.usage,
      hint: 'Use an https:// endpoint, an emulator on this machine (http://127.0.0.1 or localhost), or the emulator credentials AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test.',
    },
  );
}

function hasSharedConfig(env: NodeJS.ProcessEnv): boolean {
  const home = env.HOME ?? homedir();
  const files = [
    env.AWS_SHARED_CREDENTIALS_FILE,
    env.AWS_CONFIG_FILE,
    join(home, '.aws', 'credentials'),
    join(home, '.aws', 'config'),
  ];
  return files.some((f) => f !== undefined && existsSync(f));
}

// The SDK marks the credentials it resolves with the provider that found them ($source, its feature ids).
const SOURCES: [string, string][] = [
  ['CREDENTIALS_PROFILE_SSO', 'SSO (profile)'],
  ['CREDENTIALS_PROFILE_SSO_LEGACY', 'SSO (profile)'],
  ['CREDENTIALS_SSO', 'SSO'],
  ['CREDENTIALS_SSO_LEGACY', 'SSO'],
  ['CREDENTIALS_PROFILE_SOURCE_PROFILE', 'assumed role (profile)'],
  ['CREDENTIALS_STS_ASSUME_ROLE', 'assumed role'],
  ['CREDENTIALS_PROFILE_PROCESS', 'credential_process (profile)'],
  ['CREDENTIALS_PROCESS', 'credential_process'],
  ['CREDENTIALS_ENV_VARS_STS_WEB_ID_TOKEN', 'web identity token (environment)'],
  ['CREDENTIALS_PROFILE_STS_WEB_ID_TOKEN', 'web identity token (profile)'],
  ['CREDENTIALS_ENV_VARS', 'environment (AWS_ACCESS_KEY_ID)'],
  ['CREDENTIALS_PROFILE', 'profile'],
  ['CREDENTIALS_IMDS', 'instance role (EC2 metadata)'],
  ['CREDENTIALS_HTTP', 'container role (ECS/EKS)'],
];

/** Where the credentials in use came from, in words: env, a profile's name, SSO, the emulator convention. */
export function describeCredentials(
  identity: AwsCredentialIdentity & { $source?: Record<string, unknown> },
  target: AwsTarget,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const profile = target.profile ?? env.AWS_PROFILE ?? 'default';
  if (target.endpointUrl && identity.accessKeyId === 'test' && identity.secretAccessKey === 'test') {
    return env.AWS_ACCESS_KEY_ID === 'test'
      ? 'environment (the emulator convention test/test)'
      : 'the emulator convention test/test (no credentials configured)';
  }
  if (env.AWS_ACCESS_KEY_ID && identity.accessKeyId === env.AWS_ACCESS_KEY_ID) return 'environment (AWS_ACCESS_KEY_ID)';
  const found = SOURCES.find(([feature]) => identity.$source?.[feature] !== undefined);
  if (found?.[1].includes('profile') || found?.[1] === 'SSO') return `${found[1]} "${profile}"`;
  return found ? found[1] : `profile "${profile}"`;
}
