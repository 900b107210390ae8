// Credentials for the CLI: the standard chain on real AWS; on an emulator endpoint,
// the user's own keys if configured, else the emulator convention test/test.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AwsCredentialIdentity } from '@smithy/types';
import { AwsAccessError } from '../errors.js';
import type { AwsTarget, CredentialSource } from './clients.js';

export function cliCredentials(target: AwsTarget, env: NodeJS.ProcessEnv = process.env): CredentialSource {
  let cached: Promise<AwsCredentialIdentity> | undefined;
  return () => (cached ??= load(target, env));
}

async function load(target: AwsTarget, env: NodeJS.ProcessEnv): Promise<AwsCredentialIdentity> {
  const { fromNodeProviderChain, fromIni } = await import('@aws-sdk/credential-providers');
  const profile = target.profile ?? undefined;
  if (target.endpointUrl) {
    // Skip the full chain: its instance-metadata probe costs a second when nothing answers.
    if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
      return {
        accessKeyId: env.AWS_ACCESS_KEY_ID,
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
        ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
      };
    }
    if (profile || hasSharedConfig(env)) {
      try {
        return await fromIni({ profile })();
      } catch {
        /* fall through to the emulator convention */
      }
    }
    return { accessKeyId: 'test', secretAccessKey: 'test' };
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
