// Polls a condition until it holds (bounded): how a test waits for the observable end of an
// asynchronous change instead of sleeping.
import assert from 'node:assert/strict';

export async function eventually(what: string, check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) if (await check()) return;
  assert.fail(`${what}: not within ${ms} ms`);
}
