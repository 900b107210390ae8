// Each integration test file starts its own MiniStack on a free loopback port and
// stops it afterwards, even when a test fails (and on process exit as a last resort).
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { AwsClients } from '../../runtime/aws/clients.js';
import { install, start, type EmulatorHandle } from '../../src/emulator/ministack.js';

/**
 * PROJET1_TEST_AWS=<scale> runs every test file through the fault proxy's AWS behaviour profile
 * (AWS's documented delays scaled by <scale>, e.g. 0.02): what passes on the emulator must also
 * pass against the behaviours AWS documents and the emulator forgives.
 */
const awsScale = Number(process.env.PROJET1_TEST_AWS ?? 0);
const PROXY_MAIN = join(dirname(fileURLToPath(import.meta.url)), 'aws-profile-proxy.js');

/** The emulator seen through the profile, served by a child process that ends with this one. */
async function throughAwsProfile(handle: EmulatorHandle): Promise<{ handle: EmulatorHandle; proxy: ChildProcess }> {
  const proxy = spawn(process.execPath, [PROXY_MAIN, handle.endpoint, String(awsScale)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    proxy.stdout?.once('data', (c: Buffer) => resolve(c.toString('utf8').trim()));
    proxy.once('exit', (code) => reject(new Error(`the AWS profile proxy exited with ${code}`)));
  });
  return { proxy, handle: { ...handle, endpoint: url, port: Number(new URL(url).port) } };
}

export interface EmulatorOptions {
  /**
   * The file plays AWS's behaviours through a fault proxy of its own: PROJET1_TEST_AWS does not put
   * a second one in front of its emulator (its own setup calls would meet them too).
   */
  ownProxy?: boolean;
}

/** `setup` runs once the emulator answers (e.g. deploying the stack the tests use). */
export function useEmulator(
  setup?: (handle: EmulatorHandle) => Promise<void>,
  options: EmulatorOptions = {},
): { get: () => EmulatorHandle } {
  let handle: EmulatorHandle | undefined;
  let proxy: ChildProcess | undefined;
  before(async () => {
    install();
    handle = await start();
    if (awsScale > 0 && !options.ownProxy) ({ handle, proxy } = await throughAwsProfile(handle));
    if (setup) await setup(handle);
  });
  after(async () => {
    proxy?.stdin?.end();
    await handle?.stop();
  });
  return {
    get: () => {
      if (!handle) throw new Error('emulator not started');
      return handle;
    },
  };
}

/** SDK clients aimed at the emulator, with its conventional credentials. */
export function emulatorClients(endpoint: string, region = 'eu-west-3'): AwsClients {
  return new AwsClients(
    { region, endpointUrl: endpoint, profile: null },
    { credentials: async () => ({ accessKeyId: 'test', secretAccessKey: 'test' }) },
  );
}
