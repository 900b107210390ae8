import { start } from '/work/wt-first/dist/src/emulator/ministack.js';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
const h = await start();
try {
  const dir = mkdtempSync('/tmp/p1dbg-');
  writeFileSync(dir + '/projet1.config.json', '{}');
  const env = {
    ...process.env,
    HOME: dir,
    AWS_ENDPOINT_URL: h.endpoint,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  const run = (...a) => {
    const r = spawnSync('node', ['/work/wt-first/bin/projet1.js', ...a], { cwd: dir, env, encoding: 'utf8' });
    return `EXIT ${r.status}\n${r.stdout}\n---stderr\n${r.stderr}`;
  };
  console.log(run('up', '--yes', '-v').slice(-1500));
  console.log(run('status', '-v'));
} finally {
  await h.stop();
}
