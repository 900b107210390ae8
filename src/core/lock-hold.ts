// Holding the stack lock: the lease is renewed at a third of its length, by rewriting the holder's
// own lease parameter (never the lock itself, which another run may own by then). The run learns it
// lost the lock when the lock names another holder or is gone, or when it could not renew in time
// (a network cut, a laptop asleep): then it must stop changing the stack before anyone may take over.
import type { AwsClients } from '../../runtime/aws/clients.js';
import { EXIT, UserError } from '../errors.js';
import type { IoHost } from './io.js';
import type { LockInfo } from './lock-info.js';
import { leaseName, parseStored, type StoredLock } from './lock-names.js';
import { deleteParam, overwriteParam, readParams } from './lock-store.js';

export interface HeldLock {
  info: LockInfo;
  /** Set once the lock was lost while the run went on: the error the run ends with. */
  readonly lost: UserError | undefined;
  /** Stops renewing and deletes the lock if it is still ours. */
  release(): Promise<void>;
}

export function hold(
  aws: AwsClients,
  name: string,
  mine: StoredLock,
  /** When the create that took the lock was sent (performance.now()): the lease runs from there. */
  startedMs: number,
  io: IoHost,
  onLost?: (error: UserError) => void,
): HeldLock {
  const leaseMs = (mine.leaseSeconds ?? 0) * 1000;
  const every = Math.max(1000, leaseMs / 3);
  const lease = leaseName(name, mine.id);
  const value = JSON.stringify(mine);
  // This host's monotonic clock, used only for its own elapsed time: the lease AWS recorded began
  // after `renewedMs`, so stopping before renewedMs + lease is stopping before anyone can take over.
  let renewedMs = startedMs;
  let lost: UserError | undefined;
  let renewal: Promise<void> = Promise.resolve();

  const lose = (what: string): void => {
    if (lost) return;
    clearInterval(timer);
    lost = new UserError(`Lost the stack lock during \`projet1 ${mine.command}\`: ${what}.`, {
      exitCode: EXIT.conflict,
      hint: 'Run `projet1 status` to see who holds the stack now, and run the command again once that run ends.',
    });
    io.notify({ level: 'warn', code: 'P1_LOCK_LOST', message: `Lost the stack lock: ${what}.` });
    onLost?.(lost);
  };
  const renew = async (): Promise<void> => {
    const sentMs = performance.now();
    try {
      const seen = (await readParams(aws, [name])).params.get(name);
      if (!seen) return lose('it was removed (by `--force-unlock`, or by a run taking it over)');
      const other = parseStored(seen);
      if (other.id !== mine.id) {
        const at = new Date(seen.modifiedMs).toISOString();
        return lose(`${other.holder} (pid ${other.pid}, \`projet1 ${other.command}\`) took it over at ${at}`);
      }
      await overwriteParam(aws, lease, value);
      renewedMs = sentMs;
    } catch (err) {
      // One failed renewal is not a loss yet: the next one may pass before the lease runs out.
      const why = err instanceof Error ? err.message : String(err);
      io.notify({ level: 'debug', code: 'P1_LOCK_RENEW', message: `Lock renewal failed: ${why}` });
    }
    // Whatever happened, a lease with less than one renewal interval left cannot be counted on.
    if (!lost && performance.now() - renewedMs > leaseMs - every) {
      lose(
        `it could not be renewed for ${Math.round((performance.now() - renewedMs) / 1000)} s of its ${leaseMs / 1000} s lease`,
      );
    }
  };
  const timer = setInterval(() => {
    renewal = renewal.then(renew);
  }, every);
  timer.unref();

  const info: LockInfo = { ...mine, expiresAt: '(renewed while the run goes on)' };
  return {
    info,
    get lost() {
      return lost;
    },
    async release() {
      clearInterval(timer);
      await renewal;
      await releaseLock(aws, name, mine, io);
    },
  };
}

/** Deletes the lock if it is still ours, and its lease; a failure only warns (the lease frees the stack anyway). */
async function releaseLock(aws: AwsClients, name: string, mine: StoredLock, io: IoHost): Promise<void> {
  try {
    const seen = (await readParams(aws, [name])).params.get(name);
    if (seen && parseStored(seen).id === mine.id) await deleteParam(aws, name);
    await deleteParam(aws, leaseName(name, mine.id));
  } catch (err) {
    // The run's own outcome matters more than a tidy release.
    const why = err instanceof Error ? err.message : String(err);
    io.notify({
      level: 'warn',
      code: 'P1_LOCK_KEPT',
      message: `Could not release the stack lock (${why}); it is free when its lease ends (${mine.leaseSeconds ?? 0} s).`,
    });
  }
}
