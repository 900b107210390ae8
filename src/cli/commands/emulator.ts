// `projet1 emulator install|start|stop|status`: the local MiniStack for development.
import {
  MINISTACK_VERSION,
  install as installEmulator,
  running,
  startDetached,
  stopDetached,
} from '../../emulator/ministack.js';
import { certificateCovers } from '../../emulator/tls-cert.js';
import { venvDir } from '../../paths.js';
import type { EMULATOR_START } from '../options.js';
import type { Handler } from '../spec.js';

export const install: Handler<'none'> = async ({ io }) => {
  installEmulator((line) => io.info(line));
  io.result(
    { installed: MINISTACK_VERSION, venv: venvDir() },
    `MiniStack ${MINISTACK_VERSION} is installed in ${venvDir()}`,
  );
  return 0;
};

export const start: Handler<'none', typeof EMULATOR_START> = async ({ io, opts }) => {
  const { port } = opts;
  installEmulator((line) => io.info(line));
  const em = await startDetached(port);
  // One started before projet1 made its own certificate serves MiniStack's, which does not name the website.
  if (em.alreadyRunning && em.ca && !certificateCovers(em.ca))
    io.notify({
      level: 'warn',
      code: 'P1_EMULATOR_OLD_CERT',
      message:
        "The running emulator's certificate does not name *.cloudfront.localhost: restart it (`projet1 emulator stop` then `projet1 emulator start`; its state is kept) so the website URL works with curl --cacert.",
    });
  io.info(
    `MiniStack ${MINISTACK_VERSION} ${em.alreadyRunning ? 'was already running' : 'is running'} on ${em.endpoint} (pid ${em.pid}). Use it with --endpoint-url ${em.endpoint} or AWS_ENDPOINT_URL.`,
  );
  io.result(
    { endpoint: em.endpoint, port: em.port, pid: em.pid, alreadyRunning: em.alreadyRunning, ca: em.ca ?? null },
    em.endpoint,
  );
  return 0;
};

export const stop: Handler<'none'> = async ({ io }) => {
  const em = await stopDetached();
  io.info(em ? `Stopped MiniStack on ${em.endpoint}.` : 'No emulator started by projet1 is running.');
  io.result({ stopped: em ?? null });
  return 0;
};

export const status: Handler<'none'> = async ({ io }) => {
  const em = await running();
  if (!em) io.info('No emulator started by projet1 is running. Start one with `projet1 emulator start`.');
  io.result({ running: em ?? null }, em?.endpoint);
  return em ? 0 : 3;
};
