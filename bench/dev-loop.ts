// The edit → live loop on the local emulator, in a temporary copy of the project:
// - save-to-live with `projet1 dev`: from writing a handler file to the first API answer with
//   the new behaviour (median of DEV_EDITS edits, default 12), with dev's own breakdown
//   (detect, build, update-and-wait); the rest is the first invocation of the new code;
// - `up` after a one-handler edit: with the per-function bundle cache (one bundle rebuilt)
//   and with an empty cache (all six rebuilt, what any edit cost before), alternating runs.
// Run: npm run bench:dev   (figures go in the closing note, never in test assertions)
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { install, start } from '../src/emulator/ministack.js';
import { copyProject } from '../test/helpers/project-copy.js';

const EDITS = Number(process.env.DEV_EDITS ?? 12);
const UP_RUNS = Number(process.env.BENCH_RUNS ?? 5);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const env = (cache: string) => ({
  ...process.env,
  CI: 'true',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  PROJET1_CACHE_DIR: cache,
});

/** A real handler (the SDK, the shared code) whose answers carry the edit's number in a header. */
const handlerSource = (n: number): string => `import { apiHandler } from '../runtime/api/http.js';
import { getProductById } from '../runtime/api/routes.js';
const base = apiHandler(getProductById);
export const handler = async (event: unknown, context: unknown) => {
  const reply = (await (base as (e: unknown, c: unknown) => Promise<{ headers?: Record<string, string> }>)(event, context));
  return { ...reply, headers: { ...reply.headers, 'x-edit': '${n}' } };
};
`;

async function waitFor(read: () => string, pattern: RegExp, ms = 60_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + ms;
  for (;;) {
    const m = read().match(pattern);
    if (m) return m;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}:\n${read()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function main(): Promise<void> {
  install();
  const em = await start();
  const root = copyProject();
  const bin = join(root, 'bin', 'projet1.js');
  const cwd = mkdtempSync(join(tmpdir(), 'projet1-bench-dev-'));
  // The function's own URL is called: edge-only off (its check is the same either way).
  writeFileSync(join(cwd, 'projet1.config.json'), JSON.stringify({ api: { edgeOnly: false } }));
  const cache = join(root, '.cache');
  const handler = join(root, 'handlers', 'get-product-by-id.ts');
  let child: ChildProcess | undefined;
  try {
    child = spawn(process.execPath, [bin, 'dev', '--yes', '--no-logs', '--endpoint-url', em.endpoint], {
      cwd,
      env: env(cache),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.stdout?.resume();
    await waitFor(() => err, /Watching handlers/);
    const out = spawnSync(process.execPath, [bin, 'outputs', '--json', '--endpoint-url', em.endpoint], {
      cwd,
      env: env(cache),
      encoding: 'utf8',
    });
    const apiUrl = (JSON.parse(out.stdout) as { outputs: Record<string, string> }).outputs.apiUrl;
    const live: number[] = [];
    const parts: Record<string, number[]> = { detect: [], build: [], update: [], firstAnswer: [] };
    for (let n = 1; n <= EDITS; n++) {
      const seen = (err.match(/ live \d+ ms after save/g) ?? []).length;
      const t0 = performance.now();
      writeFileSync(handler, handlerSource(n));
      const deadline = Date.now() + 120_000;
      for (;;) {
        const res = await fetch(`${apiUrl}/products/nothing-here`, { signal: AbortSignal.timeout(30_000) });
        await res.arrayBuffer();
        if (res.headers.get('x-edit') === String(n)) break;
        if (Date.now() > deadline) throw new Error(`edit ${n} not live after 120 s (last answer ${res.status})`);
      }
      const ms = performance.now() - t0;
      live.push(ms);
      // The emulator serves the new code a little before it reports the update complete: let dev
      // finish (its line) before the next save, so saves never queue behind one another.
      await waitFor(() => err, new RegExp(`(?:[^]*? live \\d+ ms after save){${seen + 1}}`));
      const lines = [...err.matchAll(/ live (\d+) ms after save \(detect (\d+), build (\d+), update (\d+)\)/g)];
      const m = lines[seen];
      if (m) {
        parts.detect?.push(Number(m[2]));
        parts.build?.push(Number(m[3]));
        parts.update?.push(Number(m[4]));
        // Negative: the new code answered before the update was reported complete.
        parts.firstAnswer?.push(ms - Number(m[1]));
      }
    }
    child.kill('SIGINT');
    await new Promise((r) => child?.on('close', r));
    if (process.env.DEV_DEBUG) console.error(err);

    const upAfterEdit = { perFunctionCache: [] as number[], emptyCache: [] as number[] };
    for (let i = 0; i < UP_RUNS; i++) {
      for (const mode of ['perFunctionCache', 'emptyCache'] as const) {
        writeFileSync(handler, handlerSource(1000 + i * 2 + (mode === 'emptyCache' ? 1 : 0)));
        const c = mode === 'emptyCache' ? mkdtempSync(join(tmpdir(), 'projet1-empty-cache-')) : cache;
        const t0 = performance.now();
        const r = spawnSync(process.execPath, [bin, 'up', '--yes', '--json', '--endpoint-url', em.endpoint], {
          cwd,
          env: env(c),
          encoding: 'utf8',
        });
        if (r.status !== 0) throw new Error(`up failed: ${r.stderr}`);
        upAfterEdit[mode].push(performance.now() - t0);
      }
    }
    const round = (xs: number[]) => Math.round(median(xs));
    console.log(
      JSON.stringify(
        {
          saveToLive: { medianMs: round(live), edits: live.length, runs: live.map(Math.round) },
          breakdownMedianMs: Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, round(v)])),
          upAfterOneHandlerEdit: {
            perFunctionCacheMedianMs: round(upAfterEdit.perFunctionCache),
            emptyCacheMedianMs: round(upAfterEdit.emptyCache),
            runs: upAfterEdit,
          },
        },
        null,
        2,
      ),
    );
  } finally {
    child?.kill('SIGKILL');
    await em.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
