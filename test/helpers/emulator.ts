// Each integration test file starts its own MiniStack on a free loopback port and
// stops it afterwards, even when a test fails (and on process exit as a last resort).
import { after, before } from 'node:test';
import { AwsClients } from '../../src/aws/clients.js';
import { install, start, type EmulatorHandle } from '../../src/emulator/ministack.js';
import { awsLike } from './aws-behaviour/index.js';
import { type FaultProxy, startFaultProxy } from './fault-proxy.js';

/**
 * PROJET1_TEST_AWS=<scale> runs every test file through the fault proxy's AWS behaviour profile
 * (AWS's documented delays scaled by <scale>, e.g. 0.02): what passes on the emulator must also
 * pass against the behaviours AWS documents and the emulator forgives.
 */
const awsScale = Number(process.env.PROJET1_TEST_AWS ?? 0);

async function throughAwsProfile(handle: EmulatorHandle): Promise<{ handle: EmulatorHandle; proxy: FaultProxy }> {
  const proxy = await startFaultProxy(handle.endpoint, awsLike(awsScale));
  const port = Number(new URL(proxy.url).port);
  return { proxy, handle: { ...handle, endpoint: proxy.url, port } };
}

/** `setup` runs once the emulator answers (e.g. deploying the stack the tests use). */
export function useEmulator(setup?: (handle: EmulatorHandle) => Promise<void>): { get: () => EmulatorHandle } {
  let handle: EmulatorHandle | undefined;
  let proxy: FaultProxy | undefined;
  before(async () => {
    install();
    handle = await start();
    if (awsScale > 0) ({ handle, proxy } = await throughAwsProfile(handle));
    if (setup) await setup(handle);
  });
  after(async () => {
    await proxy?.close();
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
