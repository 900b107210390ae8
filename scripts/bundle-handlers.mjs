// Writes dist/handlers/: every Lambda handler's zip and a manifest with their SHA-256, built from
// this clone's sources and locked dependencies. The package ships them, so that an installed
// projet1 deploys these bytes (src/build/prebuilt.ts says why). Run by `npm run build`, after tsc.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { writePrebuilt } = await import(join(root, 'dist', 'src', 'build', 'prebuilt-writer.js'));
const { FUNCTIONS } = await import(join(root, 'dist', 'src', 'config', 'functions.js'));
await writePrebuilt(
  root,
  FUNCTIONS.map((f) => f.id),
);
