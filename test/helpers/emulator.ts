// Each integration test file starts its own MiniStack on a free loopback port and
// stops it afterwards, even when a test fails (and on process exit as a last resort).
import { after, before } from 'node:test';
import { AwsClients } from '../../src/aws/clients.js';
import { install, start, type EmulatorHandle } from '../../src/emulator/ministack.js';

/** `setup` runs once the emulator answers (e.g. deploying the stack the tests use). */
export function useEmulator(setup?: (handle: EmulatorHandle) => Promise<void>): { get: () => EmulatorHandle } {
  let handle: EmulatorHandle | undefined;
  before(async () => {
    install();
    handle = await start();
    if (setup) await setup(handle);
  });
  after(async () => {
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
