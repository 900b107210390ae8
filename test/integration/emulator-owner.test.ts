// An emulator that a test run or a bench starts for itself must not outlive it: not at a normal end,
// and not when Ctrl-C or SIGTERM stops the run (the emulator has its own process group, so the
// terminal's Ctrl-C does not reach it).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { eventually } from '../helpers/eventually.js';

const harness = new URL('../../src/emulator/ministack.js', import.meta.url).href;

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** A process that starts an emulator, prints its pid, and waits to be stopped. */
async function owner(): Promise<{ stop(signal: NodeJS.Signals): Promise<void>; emulatorPid: number }> {
  const code = `import { start } from '${harness}';
const em = await start();
process.stdout.write(em.pid + '\\n');
setInterval(() => undefined, 1000);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'pipe'] });
  const closed = new Promise<void>((r) => child.on('close', () => r()));
  const emulatorPid = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(Number(out.trim()));
    });
    child.on('close', (code) => reject(new Error(`the owner exited (${code}) before its emulator answered`)));
  });
  return {
    emulatorPid,
    async stop(signal) {
      child.kill(signal);
      await closed;
    },
  };
}

describe("the tests' own emulator", () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`ends when ${signal} stops the process that started it`, async () => {
      const run = await owner();
      assert.ok(alive(run.emulatorPid), 'the emulator runs');
      await run.stop(signal);
      await eventually(
        'the emulator ends',
        async () => !alive(run.emulatorPid) || (await new Promise((r) => setTimeout(r, 50, false))),
        10_000,
      );
    });
  }
});
