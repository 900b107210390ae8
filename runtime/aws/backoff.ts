// The one backoff formula of the project: exponential, capped, optionally jittered.

/**
 * Delay before retry number `attempt` (1-based): base·2^(attempt-1), capped; with `jitter`,
 * a random 50-100% of it, so parallel workers do not retry in step.
 */
export function backoff(attempt: number, baseMs: number, capMs: number, jitter = false): number {
  const delay = Math.min(baseMs * 2 ** (attempt - 1), capMs);
  return jitter ? delay * (0.5 + Math.random() / 2) : delay;
}
