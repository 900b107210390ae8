// What a stack lock says about its holder: plain data, shown by `status` and by a refused run
// (kept apart from lock.ts so rendering it loads no AWS SDK).

export interface LockInfo {
  id: string;
  /** user@host, and the process id. */
  holder: string;
  pid: number;
  command: string;
  acquiredAt: string;
  /**
   * The lease: past this time, by AWS's clock (the holder's last renewal as AWS recorded it, plus
   * the holder's lease), the lock is stale and the next run takes it over.
   */
  expiresAt: string;
}

export const describeLock = (l: LockInfo): string =>
  `held by ${l.holder} (pid ${l.pid}, \`projet1 ${l.command}\`) since ${l.acquiredAt}, lease until ${l.expiresAt}`;
