// One operator at a time: `up`, `down`, `deploy-website`, `restore` and `dev` hold a lock on the
// stack, an SSM parameter created without overwrite (atomic in the account and region). The holder
// renews its lease while it runs (lock-hold.ts); a lock whose lease ran out by AWS's clock (a killed
// holder) is taken over, and `--force-unlock` breaks a live one. Every wait here is bounded: a run
// that cannot get the lock says why and stops. The parameters' layout is explained in lock-names.ts.
import { randomUUID } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AwsClients } from '../../runtime/aws/clients.js';
import { backoff } from '../../runtime/aws/backoff.js';
import type { Config } from '../config/schema.js';
import { EXIT, UserError } from '../errors.js';
import type { IoHost } from './io.js';
import { describeLock, type LockInfo } from './lock-info.js';
import { type HeldLock, hold } from './lock-hold.js';
import {
  type HeldState,
  inspectLock,
  isExpired,
  leaseMsOf,
  leaseName,
  lockInfo,
  lockName,
  markerName,
  parseStored,
  type StoredLock,
} from './lock-names.js';
import { createParam, deleteParam, readParams } from './lock-store.js';

export { describeLock, type HeldLock, type LockInfo, lockName };

/** Attempts at the lock while other runs take it over; with the backoff, 8 to 16 s in all. */
const MAX_ATTEMPTS = 8;
/** Markers of killed takers skipped over for one stale lock before giving up. */
const MAX_MARKERS = 5;

/** The lock for `status`: its holder and whether its lease ran out, by AWS's clock. */
export async function readLock(
  aws: AwsClients,
  name: string,
  fallbackLeaseSeconds: number,
): Promise<(LockInfo & { stale: boolean }) | undefined> {
  const held = await inspectLock(aws, name, fallbackLeaseSeconds);
  return held && { ...lockInfo(held), stale: held.stale };
}

export interface LockOptions {
  command: string;
  leaseSeconds: number;
  /** Break a lock held by someone else, and any takeover marker in the way (`--force-unlock`). */
  force: boolean;
  /** Called once if the lock is lost while the run goes on (taken over, removed, or not renewed in time). */
  onLost?: (error: UserError) => void;
}

type Takeover = { won: true } | { won: false; busy?: { since: string; expires: string } };

export async function acquireLock(
  aws: AwsClients,
  config: Pick<Config, 'project' | 'environment' | 'region'>,
  io: IoHost,
  opts: LockOptions,
): Promise<HeldLock> {
  const name = lockName(config);
  const mine: StoredLock = {
    id: randomUUID(),
    holder: `${safeUser()}@${hostname()}`,
    pid: process.pid,
    command: opts.command,
    acquiredAt: new Date().toISOString(),
    leaseSeconds: opts.leaseSeconds,
  };
  const value = storedValue(mine);
  const where = `${config.project}/${config.environment} in ${config.region}`;
  let busy: { since: string; expires: string } | undefined;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const startedMs = performance.now();
    if (await createParam(aws, name, value)) return hold(aws, name, mine, startedMs, io, opts.onLost);
    const held = await inspectLock(aws, name, opts.leaseSeconds);
    if (!held) continue; // released in between: try to create it again
    // Our own create, retried by the SDK after its answer was lost: the lock is ours.
    if (held.stored.id === mine.id) return hold(aws, name, mine, startedMs, io, opts.onLost);
    if (!held.stale && !opts.force) {
      throw new UserError(`The stack ${where} is locked: ${describeLock(lockInfo(held))}.`, {
        exitCode: EXIT.conflict,
        hint: 'Wait for that run to end. If it was killed, the lock is free when its lease ends; `--force-unlock` breaks it now (only when you are sure nothing else runs).',
      });
    }
    const outcome = await takeOver(aws, name, held, mine, value, opts);
    if (outcome.won) {
      const why = held.stale ? 'stale lock' : 'lock (--force-unlock)';
      io.notify({
        level: 'warn',
        code: 'P1_LOCK_BROKEN',
        message: `Took over the ${why} ${describeLock(lockInfo(held))}.`,
      });
      return hold(aws, name, mine, startedMs, io, opts.onLost);
    }
    busy = outcome.busy;
    // Another run is replacing the same lock: give it time, then look again.
    if (busy && attempt < MAX_ATTEMPTS) await sleep(backoff(attempt, 250, 4000, true));
  }
  throw new UserError(
    busy
      ? `Could not take the stack lock of ${where}: another run has been taking over its stale lock since ${busy.since}.`
      : `Could not take the stack lock of ${where}: it changed hands ${MAX_ATTEMPTS} times while this run tried.`,
    {
      exitCode: EXIT.conflict,
      hint: busy
        ? `If that run was killed, its claim expires at ${busy.expires}; \`--force-unlock\` clears it now (only when you are sure nothing else runs).`
        : 'Run `projet1 status` to see who holds it, and try again once that run ends.',
    },
  );
}

/**
 * Replaces a stale (or forced) lock. Only one contender wins: each first creates a marker named
 * after the lock it replaces, without overwrite, so two runs finding the same stale lock never both
 * delete and recreate it. A marker whose taker was killed expires after the taker's lease (AWS's
 * clock); the next taker then claims the next number. `--force-unlock` treats every marker as expired.
 */
async function takeOver(
  aws: AwsClients,
  name: string,
  held: HeldState,
  mine: StoredLock,
  value: string,
  opts: LockOptions,
): Promise<Takeover> {
  const claimed: string[] = [];
  try {
    for (let n = 1; n <= MAX_MARKERS; n++) {
      const marker = markerName(name, held.stored.id, n);
      const startedMs = performance.now();
      if (await createParam(aws, marker, value)) {
        claimed.push(marker);
        const now = (await readParams(aws, [name])).params.get(name);
        if (!now || parseStored(now).id !== held.stored.id) return { won: false };
        // A taker that stalled for half its marker's life gives way: past it, another may have
        // judged the marker expired and be replacing the same lock.
        if (performance.now() - startedMs > leaseMsOf(mine, opts.leaseSeconds) / 2) return { won: false };
        await deleteParam(aws, leaseName(name, held.stored.id));
        await deleteParam(aws, name);
        return { won: await createParam(aws, name, value) };
      }
      const snap = await readParams(aws, [marker]);
      const other = snap.params.get(marker);
      if (!other) continue;
      const ttl = leaseMsOf(parseStored(other), opts.leaseSeconds);
      if (!opts.force && !isExpired(other.modifiedMs, ttl, snap.awsNowMs)) {
        const since = new Date(other.modifiedMs).toISOString();
        return { won: false, busy: { since, expires: new Date(other.modifiedMs + ttl).toISOString() } };
      }
      claimed.push(marker);
    }
    return { won: false };
  } finally {
    // The markers of this lock that were ours or expired: the lock they name is gone or taken.
    await Promise.all(claimed.map((m) => deleteParam(aws, m).catch(() => undefined)));
  }
}

function storedValue(s: StoredLock): string {
  // projet1 versions before the AWS-clock lease judged a lock by its own `expiresAt`; a far one keeps
  // them from taking over a live lock this version never rewrites (this version ignores the field).
  const farExpiry = new Date(Date.parse(s.acquiredAt) + 86_400_000).toISOString();
  return JSON.stringify({ ...s, expiresAt: farExpiry });
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}
