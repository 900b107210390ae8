// The AWS shared config file (~/.aws/config, or AWS_CONFIG_FILE), read with the SDK's own loader so
// that its rules ([profile name] sections, [default], comments, sub-sections) are the SDK's.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { loadSharedConfigFiles } from '@smithy/core/config';

export interface SharedConfig {
  /** The file read (it may not exist: then `profiles` is empty). */
  file: string;
  /** Profile name (`default` for [default]) → its keys. */
  profiles: Record<string, Record<string, string | undefined>>;
}

export function sharedConfigPath(env: NodeJS.ProcessEnv): string {
  return env.AWS_CONFIG_FILE || join(env.HOME || homedir(), '.aws', 'config');
}

/** The shared config file's profiles; a missing or unreadable file reads as no profile (the SDK's own rule). */
export async function readSharedConfig(env: NodeJS.ProcessEnv = process.env): Promise<SharedConfig> {
  const file = sharedConfigPath(env);
  const credentials = env.AWS_SHARED_CREDENTIALS_FILE || join(env.HOME || homedir(), '.aws', 'credentials');
  // ignoreCache: the loader keeps every file it read for the process; tests and `dev` read it again.
  const { configFile } = await loadSharedConfigFiles({
    configFilepath: file,
    filepath: credentials,
    ignoreCache: true,
  });
  return { file, profiles: configFile };
}
