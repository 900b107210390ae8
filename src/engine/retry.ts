// Retries for the transient states AWS reports as errors (a role not yet assumable,
// a function still updating), and creates AWS does not deduplicate. The SDK retries its
// own throttling and faults below us.
import { backoff } from '../../runtime/aws/backoff.js';
import { isTransient } from '../aws/errors.js';
import type { ProvisionContext } from './types.js';

export { backoff };

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

/** How `deleteReleased` deletes one kind of resource, and recognises AWS's answers. */
export interface ReleasedDelete<O> {
  /** The delete, guarded by the version in `current` (ETag, lock token). */
  remove: (current: O) => Promise<unknown>;
  /** The resource as it is now (undefined: gone). */
  reread: () => Promise<O | undefined>;
  gone: (err: unknown) => boolean;
  /** Changed since it was read (or our own lost update took). */
  stale: (err: unknown) => boolean;
  /** Still used by something that is letting go of it. */
  inUse: (err: unknown) => boolean;
  /** What the run says while it waits for the release. */
  inUseNote: string;
  attempts: number;
}

/**
 * Deletes a versioned resource that AWS refuses while a distribution still uses it: the distribution
 * that let go of it may still be deploying (minutes on AWS), so the delete is retried with backoff; a
 * stale version is read again and the current one deleted; already gone is done.
 */
export async function deleteReleased<O>(ctx: ProvisionContext, seen: O, how: ReleasedDelete<O>): Promise<void> {
  let current: O | undefined = seen;
  await retrying(
    ctx,
    async () => {
      if (!current) return;
      try {
        await how.remove(current);
      } catch (err) {
        if (how.gone(err)) return;
        if (how.stale(err)) current = await how.reread();
        throw err;
      }
    },
    (err) => {
      if (how.inUse(err)) return how.inUseNote;
      if (how.stale(err)) return 'changed since it was read: deleting the current version';
      return undefined;
    },
    how.attempts,
  );
}

/**
 * A create AWS does not deduplicate (CreateRestApi makes a second API of the same name): one
 * attempt at a time (`create` must use a client with retries off), and after a fault that leaves
 * it unclear whether it took (a lost answer, a 5xx), look for what it may have made before trying
 * again. Throttling and quota answers are just waited out.
 */
export async function createOnce<T>(
  ctx: ProvisionContext,
  what: string,
  create: () => Promise<T>,
  find: () => Promise<T | undefined>,
  maxAttempts = 8,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await create();
    } catch (err) {
      if (!isTransient(err) || attempt >= maxAttempts) throw err;
      const found = await find();
      if (found !== undefined) {
        ctx.note(`${what}: the answer was lost, but it was made; using it`);
        return found;
      }
      ctx.note(`${what}: ${(err as Error).name || 'fault'}, trying again`);
      await ctx.sleep(backoff(attempt, 500, 10000, true));
    }
  }
}
