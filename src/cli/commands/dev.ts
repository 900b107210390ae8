// `projet1 dev [--no-logs] [--force]`: up once, then every saved change goes live; the
// functions' and the API's logs stream in the same terminal. Ctrl-C stops watching, lets the
// update in flight finish, and exits 0.
import { DevLoop } from '../../core/dev.js';
import { logSources } from '../../core/logs.js';
import { EXIT } from '../../errors.js';
import { configFlags, type DEV } from '../options.js';
import type { Handler } from '../spec.js';
import { streamLogs } from './logs.js';

/** Resolves once the run's signal is aborted (Ctrl-C, SIGTERM, a lost stack lock). */
const untilAborted = (signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });

export const dev: Handler<'stack-code', typeof DEV> = async ({ session, io, opts }) => {
  const loop = new DevLoop(session, io, {
    force: opts.force === true,
    poll: opts.poll === true,
    reopen: { flags: configFlags(opts), withCode: true },
  });
  await loop.start();
  // Not with --json: one document is the whole output there.
  const logs =
    opts.logs === false || io.json
      ? Promise.resolve()
      : streamLogs(session, io, logSources(session, []), {
          startTime: Date.now(),
          signal: io.signal,
        }).catch((err: unknown) => io.info(`Logs stopped: ${err instanceof Error ? err.message : String(err)}`));
  await untilAborted(io.signal);
  await loop.stop();
  await logs;
  const { website, config } = loop.counts;
  io.info(
    `Stopped watching after ${loop.updates.length} function update(s), ${website} website publish(es) and ${config} config change(s) applied.`,
  );
  io.result({ updates: loop.updates, websitePublishes: website, configChanges: config });
  return EXIT.ok;
};
