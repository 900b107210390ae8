import { UserError } from '../../errors.js';
import { MINISTACK_VERSION, install, running, startDetached, stopDetached } from '../../emulator/ministack.js';
import { intOption, type GlobalOptions } from '../options.js';
import { info, json, result } from '../run.js';

/** `projet1 emulator install|start|stop|status`: the local MiniStack for development. */
export default async function emulatorCommand(opts: GlobalOptions, args: string[]): Promise<number> {
  const action = args[0];
  const say = (doc: Record<string, unknown>, text: string): void => (opts.json ? json({ ok: true, ...doc }) : result(text));
  switch (action) {
    case 'install':
      install(info);
      say({ installed: MINISTACK_VERSION }, `MiniStack ${MINISTACK_VERSION} is installed in .venv`);
      return 0;
    case 'start': {
      install(info);
      const port = intOption(opts.port, '--port', 1024, 65535);
      const em = await startDetached(port);
      if (!opts.json) info(`MiniStack ${MINISTACK_VERSION} is running on ${em.endpoint} (pid ${em.pid}). Use it with --endpoint-url ${em.endpoint} or AWS_ENDPOINT_URL.`);
      say({ ...em }, em.endpoint);
      return 0;
    }
    case 'stop': {
      const em = await stopDetached();
      if (opts.json) json({ ok: true, stopped: em ?? null });
      else info(em ? `Stopped MiniStack on ${em.endpoint}.` : 'No emulator started by projet1 is running.');
      return 0;
    }
    case 'status': {
      const em = await running();
      if (opts.json) json({ ok: true, running: em ?? null });
      else if (em) result(em.endpoint);
      else info('No emulator started by projet1 is running. Start one with `projet1 emulator start`.');
      return em ? 0 : 3;
    }
    default:
      throw new UserError(`Unknown emulator action "${action ?? ''}".`, { exitCode: 2, hint: 'Use one of: install, start, stop, status.' });
  }
}
