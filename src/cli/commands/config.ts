import { resourceNames } from '../../config/names.js';
import { openConfig } from '../../core/session.js';
import { configFlags, type GlobalOptions } from '../options.js';
import { info, json, result } from '../run.js';

/** Validates and prints the resolved configuration; no AWS call. */
export default async function configCommand(opts: GlobalOptions): Promise<number> {
  const loaded = openConfig({ flags: configFlags(opts) });
  const names = resourceNames(loaded.config);
  if (opts.json) {
    json({ ok: true, file: loaded.file ?? null, sources: loaded.sources, config: loaded.config, names });
  } else {
    info(loaded.file ? `Configuration: ${loaded.file}` : 'Configuration: built-in defaults (no projet1.config.json here)');
    for (const [key, source] of Object.entries(loaded.sources)) info(`  ${key} from ${source}`);
    result(JSON.stringify({ ...loaded.config, names }, null, 2));
  }
  return Promise.resolve(0);
}
