// Retries for the transient states AWS reports as errors (a role not yet assumable,
// a function still updating): exponential backoff from 1 s, capped at 10 s. The one
// backoff formula of the project (the SDK retries its own throttling below us).
import type { ProvisionContext } from './types.js';

/**
 * Delay before retry number `attempt` (1-based): base·2^(attempt-1), capped; with `jitter`,
 * a random 50-100% of it, so parallel workers do not retry in step.
 */
export function backoff(attempt: number, baseMs: number, capMs: number, jitter = false): number {
  const delay = Math.min(baseMs * 2 ** (attempt - 1), capMs);
  return jitter ? delay * (0.5 + Math.random() / 2) : delay;
}

/**
 * Runs `call` until it succeeds, `retryable` returns no note for its error, or
 * `maxAttempts` is reached. The note says why we wait; the reporter shows it.
 */
export async function retrying<T>(
  ctx: ProvisionContext,
  call: () => Promise<T>,
  retryable: (err: unknown) => string | undefined,
  maxAttempts: number,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const note = retryable(err);
      if (note === undefined || attempt >= maxAttempts) throw err;
      ctx.note(note);
      await ctx.sleep(backoff(attempt, 1000, 10000));
    }
  }
}
