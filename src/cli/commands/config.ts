// `projet1 config`: validates and prints the resolved configuration; no AWS call.
import { resourceNames } from '../../config/names.js';
import type { Handler } from '../spec.js';

export const config: Handler<'config'> = async ({ loaded, io }) => {
  const names = resourceNames(loaded.config);
  io.info(
    loaded.file ? `Configuration: ${loaded.file}` : 'Configuration: built-in defaults (no projet1.config.json here)',
  );
  for (const [key, source] of Object.entries(loaded.sources)) io.info(`  ${key} from ${source}`);
  io.result(
    { file: loaded.file ?? null, sources: loaded.sources, config: loaded.config, names },
    JSON.stringify({ ...loaded.config, names }, null, 2),
  );
  return 0;
};
