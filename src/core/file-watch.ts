// Watching a folder for `projet1 dev`: the OS's file events (inotify on Linux) when they are
// available, polling otherwise. fs.watch fails when the user's inotify instances or watches are
// used up (EMFILE / ENOSPC: other editors, dev servers, containers sharing the same uid); before
// this module dev then watched nothing while saying it was watching. Network and container-mounted
// folders deliver no events at all, hence `--poll` too.
import { type FSWatcher, readdirSync, statSync, watch } from 'node:fs';
import { join } from 'node:path';

export interface WatchOptions {
  recursive: boolean;
  /** Only this file name of the folder (the config file). */
  only?: string;
  /** Poll instead of using file events. */
  poll?: boolean;
  pollMs?: number;
  /** The event source; injectable so a test can play the OS refusing it. */
  watchImpl?: typeof watch;
}

export interface DirWatcher {
  readonly mode: 'events' | 'poll';
  close(): void;
}

/** Called once when file events fail and the folder is polled instead. */
export type FallbackListener = (dir: string, reason: string) => void;

export const POLL_MS = 250;

/** Why file events failed, and how to get them back, in one sentence. */
export function fallbackReason(err: unknown): string {
  const code = err instanceof Error && 'code' in err ? err.code : undefined;
  if (code === 'EMFILE')
    return 'the limit of inotify instances is reached (EMFILE); raise it with `sudo sysctl fs.inotify.max_user_instances=512`';
  if (code === 'ENOSPC')
    return 'the limit of inotify watches is reached (ENOSPC); raise it with `sudo sysctl fs.inotify.max_user_watches=524288`';
  return `file events failed (${err instanceof Error ? err.message : String(err)})`;
}

/**
 * Watches `dir`, calling `onChange` with the changed file's absolute path. Returns undefined for
 * a folder that does not exist (nothing to watch); falls back to polling when events fail.
 */
export function watchDir(
  dir: string,
  opts: WatchOptions,
  onChange: (file: string) => void,
  onFallback: FallbackListener = () => undefined,
): DirWatcher | undefined {
  if (!isDir(dir)) return undefined;
  if (opts.poll) return pollDir(dir, opts, onChange);
  let current: DirWatcher;
  const fallBack = (err: unknown): void => {
    if (current.mode === 'poll') return;
    current.close();
    onFallback(dir, fallbackReason(err));
    current = pollDir(dir, opts, onChange);
  };
  try {
    current = watchTree(dir, opts, onChange, fallBack);
  } catch (err) {
    if (!isDir(dir)) return undefined;
    current = { mode: 'events', close: () => undefined };
    fallBack(err);
  }
  return {
    get mode() {
      return current.mode;
    },
    close: () => current.close(),
  };
}

/**
 * One non-recursive watch per folder. Node's own `recursive: true` on Linux fails silently when
 * inotify runs out (no throw, no 'error' event, no events: checked on Node 20), so each folder is
 * watched here, and a folder created later is added when its event arrives.
 */
function watchTree(
  dir: string,
  opts: WatchOptions,
  onChange: (file: string) => void,
  fallBack: (err: unknown) => void,
): DirWatcher {
  const impl = opts.watchImpl ?? watch;
  const watchers = new Map<string, FSWatcher>();
  const add = (d: string): void => {
    if (watchers.has(d)) return;
    const w = impl(d, (_event, name) => {
      if (!name || (opts.only && name !== opts.only)) return;
      const file = join(d, name.toString());
      if (opts.recursive && isDir(file)) {
        try {
          add(file);
        } catch (err) {
          fallBack(err);
        }
      }
      onChange(file);
    });
    // An error after start (a folder removed, the watch revoked) would otherwise crash dev.
    w.on('error', fallBack);
    watchers.set(d, w);
    if (opts.recursive) for (const sub of subfolders(d)) add(sub);
  };
  const close = (): void => {
    for (const w of watchers.values()) w.close();
    watchers.clear();
  };
  try {
    add(dir);
  } catch (err) {
    close();
    throw err;
  }
  return { mode: 'events', close };
}

function subfolders(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => join(dir, e.name));
  } catch {
    return [];
  }
}

function isDir(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** path → a stamp that changes when the file's content may have changed. */
function snapshot(dir: string, opts: WatchOptions): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (d: string): void => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return; // removed between two polls: its files show up as deleted
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (opts.recursive) visit(p);
      } else if (!opts.only || (d === dir && e.name === opts.only)) {
        try {
          const s = statSync(p);
          out.set(p, `${s.mtimeMs}:${s.size}:${s.ino}`);
        } catch {
          /* removed while listing */
        }
      }
    }
  };
  visit(dir);
  return out;
}

function pollDir(dir: string, opts: WatchOptions, onChange: (file: string) => void): DirWatcher {
  let before = snapshot(dir, opts);
  const timer = setInterval(() => {
    const now = snapshot(dir, opts);
    for (const [p, stamp] of now) if (before.get(p) !== stamp) onChange(p);
    for (const p of before.keys()) if (!now.has(p)) onChange(p);
    before = now;
  }, opts.pollMs ?? POLL_MS);
  return { mode: 'poll', close: () => clearInterval(timer) };
}
