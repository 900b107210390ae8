// Latency of requests through the API on the emulator, now that each handler writes one
// log line per request (a silent handler makes MiniStack's runtime wait 50 ms for output).
// Run: npm run bench:api   (figures go in the closing note, never in test assertions)
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { install, start } from '../src/emulator/ministack.js';
import { projet1 } from './projet1.js';

const N = Number(process.env.BENCH_REQUESTS ?? 300);
const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round((s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN) * 10) / 10;
};

async function timeRequests(urls: string[]): Promise<number[]> {
  const out: number[] = [];
  for (const url of urls) {
    const t0 = performance.now();
    const res = await fetch(url);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
    out.push(performance.now() - t0);
  }
  return out;
}

async function main(): Promise<void> {
  install();
  const em = await start();
  const cwd = mkdtempSync(join(tmpdir(), 'projet1-bench-api-'));
  // The handlers' own latency: the API called on its own URL (edge-only off; the edge check is one cached compare).
  writeFileSync(join(cwd, 'projet1.config.json'), JSON.stringify({ api: { edgeOnly: false } }));
  try {
    const e = ['--endpoint-url', em.endpoint];
    const api = (JSON.parse(projet1(['up', '--yes', '--json', ...e], cwd).stdout) as { outputs: { apiUrl: string } })
      .outputs.apiUrl;
    projet1(['products', 'seed', '--count', '200', '--seed', '1', ...e], cwd);
    const items = (
      JSON.parse(projet1(['products', 'list', '--limit', '200', '--json', ...e], cwd).stdout) as {
        items: { product_id: string; category: string }[];
      }
    ).items;
    const ids = items.map((p) => `${api}/products/${p.product_id}`);
    const category = items[0]?.category ?? 'books';
    // Warm every container first: cold starts are not what is measured.
    await timeRequests([...ids.slice(0, 5), `${api}/products?category=${category}&limit=20`]);
    const byId = await timeRequests(Array.from({ length: N }, (_, i) => ids[i % ids.length] ?? ''));
    const byCategory = await timeRequests(
      Array.from({ length: N }, () => `${api}/products?category=${encodeURIComponent(category)}&limit=20`),
    );
    const row = (xs: number[]) => ({ p50Ms: pct(xs, 50), p99Ms: pct(xs, 99), requests: xs.length });
    process.stdout.write(
      `${JSON.stringify({ node: process.version, getById: row(byId), categoryListing: row(byCategory) }, null, 2)}\n`,
    );
  } finally {
    await em.stop();
  }
}

await main();
