#!/usr/bin/env node
import nodeModule from 'node:module';

// Entry point. The only place that sets the process exit code.
// The AWS SDK warns on every run that future releases will need Node 22; that is
// noise for a CLI user on a supported Node 20 (README says how to upgrade).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// Node 22 keeps the compiled code of the modules it loads (the AWS SDK is most of a run's start-up)
// in its compile cache, in the temporary folder; Node 20 has no such cache.
nodeModule.enableCompileCache?.();

// A reader that stops early (`projet1 products list --all | head`) closes the pipe:
// that is the reader's choice, not an error.
process.stdout.on('error', (err) => {
  if (err && err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

import('../dist/cli/main.js').then(
  async ({ main }) => {
    process.exitCode = await main(process.argv);
  },
  (err) => {
    if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist')) {
      process.stderr.write('projet1 is not built yet: run `npm install` (or `npm run build`) in the project folder.\n');
    } else {
      process.stderr.write(`projet1 failed to start: ${err?.stack ? err.stack : err}\n`);
    }
    process.exitCode = 1;
  },
);
