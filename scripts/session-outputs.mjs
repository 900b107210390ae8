// A scripted session against a fresh local emulator that records what each command prints, to
// prove a refactor changed no output: run it on two builds and `diff -r` the two folders.
//   npm run build && node scripts/session-outputs.mjs /tmp/outputs-before
// Values the emulator or the clock choose afresh in each run (ids, times, durations, ports,
// temporary paths) are replaced by placeholders; everything else is kept byte for byte.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(import.meta.url), '..', '..');
const { install, start } = await import(join(root, 'dist/src/emulator/ministack.js'));
const out = resolve(process.argv[2] ?? 'session-outputs');
mkdirSync(out, { recursive: true });

const project = mkdtempSync(join(tmpdir(), 'projet1-session-'));
const home = mkdtempSync(join(tmpdir(), 'projet1-session-home-'));
const config = {
  project: 'session',
  environment: 'development',
  region: 'eu-west-3',
  table: { billingMode: 'PROVISIONED', readCapacity: 5, writeCapacity: 5, pointInTimeRecovery: true },
  lambda: { runtime: 'nodejs22.x', timeoutSeconds: 10, memoryMb: 128 },
  api: { corsOrigins: ['*'] },
  logs: { retentionDays: 7 },
};
writeFileSync(join(project, 'projet1.config.json'), JSON.stringify(config, null, 2));
mkdirSync(join(project, 'website'));
writeFileSync(join(project, 'website', 'index.html'), '<!doctype html><title>session</title><p>hello</p>\n');

install();
const emulator = await start();
const env = {
  PATH: process.env.PATH,
  HOME: home,
  CI: 'true',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  AWS_ENDPOINT_URL: emulator.endpoint,
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
};

function run(args) {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(root, 'bin/projet1.js'), ...args], { cwd: project, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.end();
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** Calls to different services run concurrently: their order in the record is not the program's. */
function sortOperations(text) {
  return text.replace(/("mutatingOperations": \[)([^\]]*)(\])/g, (_, open, list, close) => {
    const items = list
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .sort();
    return `${open}${items.join(', ')}${close}`;
  });
}

/** Placeholders for what each run chooses afresh. */
function normalize(text) {
  return (
    sortOperations(text)
      .replaceAll(emulator.endpoint, '<endpoint>')
      .replaceAll(String(emulator.port), '<port>')
      .replaceAll(project, '<project>')
      .replaceAll(home, '<home>')
      .replaceAll(root, '<checkout>')
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z?/g, '<time>')
      .replace(/\b\d+(\.\d+)? ?(ms|s)\b/g, '<duration>')
      .replace(/"(ms|latencyMs)": \d+/g, '"$1": <ms>')
      // Reads repeated while AWS settles (waiters, polls) vary from run to run; mutating calls do not.
      .replace(/("awsCalls": \{\s*"total": )\d+/g, '$1<n>')
      .replace(/\b[a-z0-9]{8,10}\b(?=[./"'\s:]|$)/g, (m) => (/\d/.test(m) && /[a-z]/.test(m) ? '<id>' : m))
      .replace(/\bd[a-z0-9]{13}\b/g, '<cdn>')
      .replace(/\bE[A-Z0-9]{12,14}\b/g, '<distribution>')
      .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, '<uuid>')
      .replace(/\b[0-9a-f]{32,64}\b/g, '<hash>')
      .replace(/"(token|adminToken)": "[^"]+"/g, '"$1": "<token>"')
  );
}

const steps = [
  ['config', ['config', '--json']],
  ['config-text', ['config']],
  ['plan-first', ['plan', '--json']],
  ['plan-first-text', ['plan']],
  ['up', ['up', '--yes', '--json']],
  ['plan-no-op', ['plan', '--json']],
  ['plan-no-op-text', ['plan']],
  ['up-no-op-text', ['up', '--yes']],
  ['status', ['status', '--json']],
  ['status-all-text', ['status', '--all']],
  ['outputs', ['outputs', '--json']],
  ['outputs-text', ['outputs']],
  ['products-create', ['products', 'create', '--name', 'Lamp', '--price', '19.99', '--category', 'home', '--json']],
  ['products-list', ['products', 'list', '--json']],
  ['deploy-website', ['deploy-website', '--json']],
  ['permissions', ['permissions', '--scope', 'operate']],
  ['plan-destroy', ['plan', '--destroy', '--json']],
  ['plan-destroy-text', ['plan', '--destroy']],
  ['bad-input', ['products', 'create', '--price', 'abc', '--json']],
  ['down', ['down', '--yes', '--json']],
  ['plan-after-down', ['plan', '--json']],
];
try {
  let n = 0;
  for (const [name, args] of steps) {
    const r = await run(args);
    const file = join(out, `${String(++n).padStart(2, '0')}-${name}`);
    writeFileSync(`${file}.out`, normalize(r.stdout));
    writeFileSync(`${file}.err`, `exit ${r.code}\n${normalize(r.stderr)}`);
  }
} finally {
  await emulator.stop();
}
console.log(`wrote ${out}`);
