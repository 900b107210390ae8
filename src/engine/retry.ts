// Retries for the transient states AWS reports as errors (a role not yet assumable,
// a function still updating): exponential backoff from 1 s, capped at 10 s.
import type { ProvisionContext } from './types.js';

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
      await ctx.sleep(Math.min(1000 * 2 ** (attempt - 1), 10000));
    }
  }
}
