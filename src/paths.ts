// Where the package lives (handlers/, .venv/, .projet1/), found from this compiled file
// (dist/src/paths.js), so the CLI works from any current directory.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
