// Measures the CLI on the local emulator: `--help` start-up, cold `up`, no-op `up` and `plan`,
// `deploy-website` cold and no-op, and `down` (median of several runs, wall time
// including CLI start) and AWS calls; then up, no-op up and plan, and down over TLS.
// Run: npm run bench   (figures go in the closing note, never in test assertions)
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emulatorCaPath, install, start } from '../src/emulator/ministack.js';
import { projet1 } from './projet1.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);

function timed(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): { ms: number; doc: { awsCalls?: { total: number; mutating: number } } | undefined } {
  const r = projet1(args, cwd, env);
  try {
    return { ms: r.ms, doc: JSON.parse(r.stdout) as { awsCalls?: { total: number; mutating: number } } };
  } catch {
    return { ms: r.ms, doc: undefined };
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function main(): Promise<void> {
  install();
  const em = await start();
  const cwd = mkdtempSync(join(tmpdir(), 'projet1-bench-'));
  writeFileSync(join(cwd, 'projet1.config.json'), '{}');
  const rows: Record<string, { medianMs: number; runs: number[]; awsCalls?: unknown }> = {};
  const record = (name: string, ms: number, calls?: unknown): void => {
    rows[name] ??= { medianMs: 0, runs: [] };
    const row = rows[name];
    row.runs.push(Math.round(ms));
    row.medianMs = median(row.runs);
    if (calls) {
      const c = calls as { total: number; mutating: number };
      row.awsCalls = { total: c.total, mutating: c.mutating };
    }
  };
  try {
    for (let i = 0; i < RUNS; i++) record('help', timed(['--help'], cwd).ms);
    const e = ['--endpoint-url', em.endpoint, '--json', '--yes'];
    for (let i = 0; i < RUNS; i++) {
      await em.reset();
      const cold = timed(['up', ...e], cwd);
      record('cold up', cold.ms, cold.doc?.awsCalls);
      const noop = timed(['up', ...e], cwd);
      record('no-op up', noop.ms, noop.doc?.awsCalls);
      const plan = timed(['plan', ...e], cwd);
      record('no-op plan', plan.ms, plan.doc?.awsCalls);
      record('deploy-website (cold)', timed(['deploy-website', ...e], cwd).ms);
      const again = timed(['deploy-website', ...e], cwd);
      const uploaded = (again.doc as { uploaded?: string[] } | undefined)?.uploaded?.length;
      if (uploaded !== 0) throw new Error(`a second deploy-website uploaded ${uploaded} file(s)`);
      record('deploy-website (no-op)', again.ms);
      const down = timed(['down', ...e], cwd);
      record('down', down.ms, down.doc?.awsCalls);
    }
  } finally {
    await em.stop();
  }
  // `npm run local` and `emulator start` serve HTTPS: the stack's runs again over TLS.
  const tls = await start({ tls: true });
  try {
    const e = ['--endpoint-url', tls.endpoint, '--json', '--yes'];
    const env = { AWS_CA_BUNDLE: emulatorCaPath() };
    for (let i = 0; i < RUNS; i++) {
      const cold = timed(['up', ...e], cwd, env);
      record('TLS: cold up', cold.ms, cold.doc?.awsCalls);
      record('TLS: no-op up', timed(['up', ...e], cwd, env).ms);
      record('TLS: no-op plan', timed(['plan', ...e], cwd, env).ms);
      record('TLS: down', timed(['down', ...e], cwd, env).ms);
    }
  } finally {
    await tls.stop();
  }
  process.stdout.write(`${JSON.stringify({ runs: RUNS, node: process.version, results: rows }, null, 2)}\n`);
}

await main();
