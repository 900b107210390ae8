// A cold `up` under AWS's own timings: the emulator behind the fault proxy's AWS behaviour profile
// at scale 1 (IAM propagation ~10 s, Lambda Pending/InProgress for seconds, DynamoDB CREATING and
// point-in-time recovery unavailable for a while, S3 settings refused right after CreateBucket,
// CloudFront InProgress for minutes, API Gateway's account quota). Then the no-op `up` and `plan`,
// which must find nothing to do, `deploy-website` and a healthy `status`. Target for the cold `up`:
// ≤ 90 s wall, because projet1 never waits for CloudFront's Deployed on create or update.
// Run: npm run bench:aws-timings   (BENCH_RUNS=3, BENCH_SCALE=1; figures go in notes, never in tests)
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { install, start } from '../src/emulator/ministack.js';
import { awsLike } from '../test/helpers/aws-behaviour/index.js';
import { startFaultProxy } from '../test/helpers/fault-proxy.js';
import { BIN } from '../test/helpers/cli.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SCALE = Number(process.env.BENCH_SCALE ?? 1);

interface Timed {
  ms: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI as a child process without blocking this one: the proxy that plays AWS's timings
 * answers from this process's event loop (a synchronous spawn would stall it).
 */
function projet1(args: string[], cwd: string): Promise<Timed> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: { ...process.env, CI: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString('utf8');
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString('utf8');
  });
  return new Promise((resolve) =>
    child.on('close', (code) => resolve({ ms: performance.now() - t0, code, stdout, stderr })),
  );
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

async function main(): Promise<void> {
  install();
  const em = await start();
  const cwd = mkdtempSync(join(tmpdir(), 'projet1-bench-aws-'));
  writeFileSync(join(cwd, 'projet1.config.json'), '{}');
  const rows: Record<string, number[]> = {};
  const injected: Record<string, number>[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      await em.reset();
      // A fresh proxy per run: AWS's clocks start again with the new resources.
      const proxy = await startFaultProxy(em.endpoint, awsLike(SCALE, { seed: i + 1 }));
      try {
        const e = ['--endpoint-url', proxy.url, '--json', '--yes'];
        for (const [name, args] of [
          ['cold up', ['up', ...e]],
          ['no-op up', ['up', ...e]],
          ['no-op plan', ['plan', '--exit-code', ...e]],
          // status is healthy only once the site is published (an empty site bucket answers 403).
          ['deploy-website', ['deploy-website', ...e]],
          ['status', ['status', ...e]],
        ] as const) {
          const r = await projet1([...args], cwd);
          if (r.code !== 0) throw new Error(`projet1 ${args.join(' ')} exited ${r.code}: ${r.stderr}${r.stdout}`);
          rows[name] = [...(rows[name] ?? []), Math.round(r.ms)];
        }
        injected.push(Object.fromEntries(proxy.injected));
      } finally {
        await proxy.close();
      }
    }
  } finally {
    await em.stop();
  }
  const results = Object.fromEntries(Object.entries(rows).map(([k, runs]) => [k, { medianMs: median(runs), runs }]));
  process.stdout.write(
    `${JSON.stringify({ runs: RUNS, scale: SCALE, node: process.version, results, injected }, null, 2)}\n`,
  );
}

await main();
