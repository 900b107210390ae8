// Each integration test file starts its own MiniStack on a free loopback port and
// stops it afterwards, even when a test fails (and on process exit as a last resort).
import { after, before } from 'node:test';
import { install, start, type EmulatorHandle } from '../../src/emulator/ministack.js';

export function useEmulator(): { get: () => EmulatorHandle } {
  let handle: EmulatorHandle | undefined;
  before(async () => {
    install();
    handle = await start();
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
