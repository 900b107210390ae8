// dev's folder watching: file events when the OS gives them, polling when it refuses them.
// The refusal (fs.watch throwing EMFILE once the user's inotify instances are used up, see
// inotify(7) "max_user_instances") is played by an injected watch function: exhausting the real
// limit would break every other process of the same uid on the machine. It was reproduced by
// hand (a process holding all 128 instances made the dev test time out before this change).
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type DirWatcher, fallbackReason, watchDir } from '../../src/core/file-watch.js';
import { eventually } from '../helpers/eventually.js';

const refused = (code: string): typeof watch =>
  (() => {
    throw Object.assign(new Error(`${code}: too many open files, watch`), { code });
  }) as unknown as typeof watch;

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'projet1-watch-'));
  mkdirSync(join(dir, 'nested'));
  writeFileSync(join(dir, 'a.ts'), 'one');
  writeFileSync(join(dir, 'nested', 'b.html'), 'one');
  return dir;
}

async function sees(w: DirWatcher | undefined, seen: Set<string>, file: string, change: () => void): Promise<void> {
  assert.ok(w);
  change();
  await eventually(`a change of ${file} is seen`, async () => {
    await new Promise((r) => setTimeout(r, 20));
    return seen.has(file);
  });
}

describe('file watching for dev', () => {
  it('polls when the OS refuses file events, says why once, and sees edits, new files and deletions', async () => {
    const dir = folder();
    const seen = new Set<string>();
    const reasons: string[] = [];
    const w = watchDir(
      dir,
      { recursive: true, watchImpl: refused('EMFILE'), pollMs: 30 },
      (f) => seen.add(f),
      (_d, reason) => reasons.push(reason),
    );
    try {
      assert.equal(w?.mode, 'poll');
      assert.deepEqual(reasons.length, 1);
      assert.match(reasons[0] ?? '', /inotify instances .*EMFILE.*max_user_instances/);
      await sees(w, seen, join(dir, 'a.ts'), () => writeFileSync(join(dir, 'a.ts'), 'two'));
      await sees(w, seen, join(dir, 'nested', 'b.html'), () => writeFileSync(join(dir, 'nested', 'b.html'), 'two!'));
      await sees(w, seen, join(dir, 'nested', 'new.css'), () => writeFileSync(join(dir, 'nested', 'new.css'), 'x'));
      await sees(w, seen, join(dir, 'a.ts'), () => {
        seen.clear();
        rmSync(join(dir, 'a.ts'));
      });
    } finally {
      w?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps to one file of the folder with `only`, and to the top folder without `recursive`', async () => {
    const dir = folder();
    const seen = new Set<string>();
    const w = watchDir(dir, { recursive: false, only: 'a.ts', poll: true, pollMs: 30 }, (f) => seen.add(f));
    try {
      writeFileSync(join(dir, 'other.json'), '{}');
      writeFileSync(join(dir, 'nested', 'b.html'), 'changed');
      await sees(w, seen, join(dir, 'a.ts'), () => writeFileSync(join(dir, 'a.ts'), 'changed'));
      assert.deepEqual([...seen], [join(dir, 'a.ts')]);
    } finally {
      w?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('uses file events when they work, and falls back when they fail later', async () => {
    const dir = folder();
    const seen = new Set<string>();
    const reasons: string[] = [];
    const events = new EventEmitter();
    const fake = (() => Object.assign(events, { close: () => undefined })) as unknown as typeof watch;
    const w = watchDir(
      dir,
      { recursive: true, watchImpl: fake, pollMs: 30 },
      (f) => seen.add(f),
      (_d, r) => reasons.push(r),
    );
    try {
      assert.equal(w?.mode, 'events');
      events.emit(
        'error',
        Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), {
          code: 'ENOSPC',
        }),
      );
      assert.equal(w?.mode, 'poll');
      assert.match(reasons[0] ?? '', /max_user_watches/);
      await sees(w, seen, join(dir, 'a.ts'), () => writeFileSync(join(dir, 'a.ts'), 'after'));
    } finally {
      w?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sees edits through real file events, in folders made later too, and watches nothing for a missing folder', async () => {
    const dir = folder();
    const seen = new Set<string>();
    const w = watchDir(dir, { recursive: false }, (f) => seen.add(f));
    try {
      assert.equal(w?.mode, 'events');
      await sees(w, seen, join(dir, 'a.ts'), () => writeFileSync(join(dir, 'a.ts'), 'evented'));
      const deep = watchDir(dir, { recursive: true }, (f) => seen.add(f));
      try {
        await sees(deep, seen, join(dir, 'nested', 'b.html'), () => writeFileSync(join(dir, 'nested', 'b.html'), 'x'));
        // A folder made after the start is watched too.
        await sees(deep, seen, join(dir, 'later'), () => mkdirSync(join(dir, 'later')));
        await sees(deep, seen, join(dir, 'later', 'c.js'), () => writeFileSync(join(dir, 'later', 'c.js'), 'x'));
      } finally {
        deep?.close();
      }
      assert.equal(
        watchDir(join(dir, 'absent'), { recursive: true }, () => undefined),
        undefined,
      );
      assert.match(fallbackReason(new Error('odd')), /file events failed \(odd\)/);
    } finally {
      w?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
