// The stack lock's parameters and how one is read and judged (live or stale) with AWS's clock.
import type { AwsClients } from '../../runtime/aws/clients.js';
import type { Config } from '../config/schema.js';
import type { LockInfo } from './lock-info.js';
import { readParams, type StoredParam, TOLERANCE_MS } from './lock-store.js';

/**
 * Why three kinds of parameter: SSM has no compare-and-swap (PutParameter either creates or
 * overwrites blindly; labels move freely), so a renewal that rewrote the lock could overwrite the
 * lock of a run that took it over in between. Here every parameter has a single writer, and the only
 * contested write is a create without overwrite, which SSM makes atomic:
 * - `lock`: who holds the stack, created by the holder and never rewritten;
 * - `lock-lease/<holder id>`: rewritten by that holder alone at each renewal; AWS's LastModifiedDate
 *   on it (or on `lock` before the first renewal) is when the lease was last renewed;
 * - `lock-takeover/<old holder id>/<n>`: created by the one run replacing a stale lock. A killed
 *   taker's marker expires like a lease, and the next taker uses the next `<n>`, so nothing ever
 *   has to delete another run's marker to get past it.
 */
export const lockName = (config: Pick<Config, 'project' | 'environment'>): string =>
  `/${config.project}/${config.environment}/lock`;
export const leaseName = (lock: string, id: string): string => `${lock}-lease/${id}`;
export const markerName = (lock: string, id: string, n: number): string => `${lock}-takeover/${id}/${n}`;

/** What the holder writes in the lock parameter. */
export interface StoredLock {
  id: string;
  holder: string;
  pid: number;
  command: string;
  acquiredAt: string;
  /** The holder's lease; a lock without one (unreadable, or written by an older projet1) uses the reader's. */
  leaseSeconds?: number;
}

/** A lock as read: its holder, and its lease judged with AWS's clock. */
export interface HeldState {
  stored: StoredLock;
  /** AWS's time of the last renewal (or of the lock's creation). */
  renewedMs: number;
  leaseMs: number;
  awsNowMs: number | undefined;
  stale: boolean;
}

/** A parameter id may hold letters, digits and `_.-` only. */
const safeId = (id: string): string => id.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 200);

export function parseStored(p: StoredParam): StoredLock {
  try {
    const v = JSON.parse(p.value) as Partial<StoredLock>;
    if (typeof v.id === 'string' && v.id !== '') {
      return {
        id: safeId(v.id),
        holder: typeof v.holder === 'string' ? v.holder : 'unknown',
        pid: typeof v.pid === 'number' ? v.pid : 0,
        command: typeof v.command === 'string' ? v.command : 'unknown',
        acquiredAt: typeof v.acquiredAt === 'string' ? v.acquiredAt : new Date(p.modifiedMs).toISOString(),
        ...(typeof v.leaseSeconds === 'number' ? { leaseSeconds: v.leaseSeconds } : {}),
      };
    }
  } catch {
    // Unreadable content: a lock of unknown holder, judged by when it was written.
  }
  const at = new Date(p.modifiedMs).toISOString();
  return { id: `unreadable-v${p.version}`, holder: 'unknown', pid: 0, command: 'unknown', acquiredAt: at };
}

export const leaseMsOf = (s: { leaseSeconds?: number }, fallbackSeconds: number): number =>
  (s.leaseSeconds ?? fallbackSeconds) * 1000;

/** Past its lease, with TOLERANCE_MS of slack, both times being AWS's (no AWS time: not judged expired). */
export const isExpired = (writtenMs: number, leaseMs: number, awsNowMs: number | undefined): boolean =>
  awsNowMs !== undefined && awsNowMs > writtenMs + leaseMs + TOLERANCE_MS;

/**
 * The lock and its lease (two reads: the lease's name depends on the holder). A lock that keeps
 * changing hands between the two reads counts as live: judging it stale needs its lease.
 */
export async function inspectLock(
  aws: AwsClients,
  name: string,
  fallbackLeaseSeconds: number,
): Promise<HeldState | undefined> {
  let seen = (await readParams(aws, [name])).params.get(name);
  for (let tries = 0; seen; tries++) {
    const stored = parseStored(seen);
    const lease = leaseName(name, stored.id);
    const snap = await readParams(aws, [name, lease]);
    const now = snap.params.get(name);
    const leaseMs = leaseMsOf(stored, fallbackLeaseSeconds);
    if (now && parseStored(now).id === stored.id) {
      const renewedMs = Math.max(now.modifiedMs, snap.params.get(lease)?.modifiedMs ?? 0);
      const stale = isExpired(renewedMs, leaseMs, snap.awsNowMs);
      return { stored, renewedMs, leaseMs, awsNowMs: snap.awsNowMs, stale };
    }
    if (now && tries >= 2) {
      const again = parseStored(now);
      const ms = leaseMsOf(again, fallbackLeaseSeconds);
      const renewedMs = snap.awsNowMs ?? now.modifiedMs;
      return { stored: again, renewedMs, leaseMs: ms, awsNowMs: snap.awsNowMs, stale: false };
    }
    seen = now;
  }
  return undefined;
}

export const lockInfo = (h: HeldState): LockInfo => ({
  id: h.stored.id,
  holder: h.stored.holder,
  pid: h.stored.pid,
  command: h.stored.command,
  acquiredAt: h.stored.acquiredAt,
  expiresAt: new Date(h.renewedMs + h.leaseMs).toISOString(),
});
