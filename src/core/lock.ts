// One operator at a time: `up`, `down`, `deploy-website`, `restore` and `dev` hold a lock on the
// stack, an SSM parameter created without overwrite (atomic in the account and region). The holder
// renews its lease while it runs; a lock whose lease ran out (a killed holder) is taken over, and
// `--force-unlock` breaks a live one. The lock is released on exit, Ctrl-C included.
import { randomUUID } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { DeleteParameterCommand, GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { AwsClients } from '../aws/clients.js';
import { unless } from '../aws/errors.js';
import type { Config } from '../config/schema.js';
import { EXIT, UserError } from '../errors.js';
import type { IoHost } from './io.js';
import { describeLock, type LockInfo } from './lock-info.js';

export { describeLock, type LockInfo };

export interface HeldLock {
  info: LockInfo;
  /** Stops renewing and deletes the lock if it is still ours. */
  release(): Promise<void>;
}

const NOT_FOUND = 'ParameterNotFound';
const EXISTS = 'ParameterAlreadyExists';

export const lockName = (config: Pick<Config, 'project' | 'environment'>): string =>
  `/${config.project}/${config.environment}/lock`;

function parse(value: string | undefined): LockInfo | undefined {
  try {
    const v = JSON.parse(value ?? '') as Partial<LockInfo>;
    return typeof v.id === 'string' && typeof v.expiresAt === 'string' ? (v as LockInfo) : undefined;
  } catch {
    return undefined;
  }
}

export async function readLock(aws: AwsClients, name: string): Promise<LockInfo | undefined> {
  const res = await unless(aws.client(SSMClient).send(new GetParameterCommand({ Name: name })), NOT_FOUND);
  if (!res?.Parameter) return undefined;
  // Unreadable content is treated as an expired lock of unknown holder, so it can be taken over.
  return (
    parse(res.Parameter.Value) ?? {
      id: 'unknown',
      holder: 'unknown',
      pid: 0,
      command: 'unknown',
      acquiredAt: new Date(0).toISOString(),
      expiresAt: new Date(0).toISOString(),
    }
  );
}

const isStale = (l: LockInfo, now = Date.now()): boolean => Date.parse(l.expiresAt) <= now;

async function put(aws: AwsClients, name: string, info: LockInfo, overwrite: boolean): Promise<boolean> {
  const cmd = new PutParameterCommand({
    Name: name,
    Value: JSON.stringify(info),
    Type: 'String',
    Overwrite: overwrite,
    Description: 'projet1 operation lock (deleted when the operation ends)',
  });
  return (await unless(aws.client(SSMClient).send(cmd), EXISTS)) !== undefined;
}

const remove = (aws: AwsClients, name: string): Promise<unknown> =>
  unless(aws.client(SSMClient).send(new DeleteParameterCommand({ Name: name })), NOT_FOUND);

/** Replaces a stale or broken lock. Only one contender wins: each first creates a marker named
 *  after the lock it replaces, without overwrite, so two runs finding the same stale lock never
 *  both delete and recreate it. */
async function takeOver(aws: AwsClients, name: string, old: LockInfo, mine: LockInfo): Promise<boolean> {
  const marker = `${name}-takeover-${old.id.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
  if (!(await put(aws, marker, mine, false))) return false;
  try {
    const current = await readLock(aws, name);
    if (current && current.id !== old.id) return false;
    await remove(aws, name);
    return await put(aws, name, mine, false);
  } finally {
    await remove(aws, marker);
  }
}

export interface LockOptions {
  command: string;
  leaseSeconds: number;
  /** Break a lock held by someone else (`--force-unlock`). */
  force: boolean;
}

export async function acquireLock(
  aws: AwsClients,
  config: Pick<Config, 'project' | 'environment' | 'region'>,
  io: IoHost,
  opts: LockOptions,
): Promise<HeldLock> {
  const name = lockName(config);
  const leaseMs = opts.leaseSeconds * 1000;
  const now = new Date();
  const info: LockInfo = {
    id: randomUUID(),
    holder: `${safeUser()}@${hostname()}`,
    pid: process.pid,
    command: opts.command,
    acquiredAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + leaseMs).toISOString(),
  };
  if (!(await put(aws, name, info, false))) {
    const held = await readLock(aws, name);
    // Our own put, retried by the SDK after its answer was lost: the lock is ours.
    if (held?.id === info.id) return hold(aws, name, info, leaseMs, io);
    const free = held === undefined || isStale(held) || opts.force;
    if (held && !free) {
      throw new UserError(
        `The stack ${config.project}/${config.environment} in ${config.region} is locked: ${describeLock(held)}.`,
        {
          exitCode: EXIT.conflict,
          hint: 'Wait for that run to end. If it was killed, the lock is free when its lease ends; `--force-unlock` breaks it now (only when you are sure nothing else runs).',
        },
      );
    }
    const won = held ? await takeOver(aws, name, held, info) : await put(aws, name, info, false);
    if (!won) return acquireLock(aws, config, io, { ...opts, force: false });
    if (held) {
      const why = isStale(held) ? 'stale lock' : 'lock (--force-unlock)';
      io.notify({ level: 'warn', code: 'P1_LOCK_BROKEN', message: `Took over the ${why} ${describeLock(held)}.` });
    }
  }
  return hold(aws, name, info, leaseMs, io);
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

/** Renews the lease at a third of its length while the run goes on. */
function hold(aws: AwsClients, name: string, info: LockInfo, leaseMs: number, io: IoHost): HeldLock {
  let current = info;
  let renewal: Promise<void> = Promise.resolve();
  const renew = async (): Promise<void> => {
    const seen = await readLock(aws, name);
    if (seen?.id !== info.id) {
      io.notify({
        level: 'warn',
        code: 'P1_LOCK_LOST',
        message: seen
          ? `The stack lock was taken: ${describeLock(seen)}.`
          : 'The stack lock was removed by someone else.',
      });
      clearInterval(timer);
      return;
    }
    current = { ...current, expiresAt: new Date(Date.now() + leaseMs).toISOString() };
    await put(aws, name, current, true);
  };
  const timer = setInterval(
    () => {
      renewal = renewal.then(renew).catch(() => undefined);
    },
    Math.max(1000, leaseMs / 3),
  );
  timer.unref();
  return {
    info,
    async release() {
      clearInterval(timer);
      await renewal;
      try {
        const seen = await readLock(aws, name);
        if (seen?.id === info.id) await remove(aws, name);
      } catch (err) {
        // The run's own outcome matters more; the lease frees the stack anyway.
        const why = err instanceof Error ? err.message : String(err);
        io.notify({
          level: 'warn',
          code: 'P1_LOCK_KEPT',
          message: `Could not release the stack lock (${why}); it is free when its lease ends (${current.expiresAt}).`,
        });
      }
    },
  };
}
