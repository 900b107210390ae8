// deploy-website: a thin rendering of the core's website publishing.
import { deployWebsite as coreDeployWebsite, websiteDir } from '../../core/website.js';
import { EXIT } from '../../errors.js';
import { elapsed } from '../render.js';
import type { DEPLOY_WEBSITE } from '../options.js';
import type { Handler } from '../spec.js';

export const deployWebsite: Handler<'stack', typeof DEPLOY_WEBSITE> = async ({ session, io, opts }) => {
  const dir = websiteDir(session, opts.dir);
  const r = await coreDeployWebsite(session, io, { dir, dryRun: opts.dryRun === true });
  const verb = r.dryRun ? 'Would upload' : 'Uploaded';
  const lines = [...r.uploaded.map((k) => `  + ${k}`), ...r.deleted.map((k) => `  - ${k}`)];
  if (lines.length) io.info(lines.join('\n'));
  io.info(
    `${verb} ${r.uploaded.length}, unchanged ${r.unchanged}, ${r.dryRun ? 'would delete' : 'deleted'} ${r.deleted.length}; ` +
      `${r.invalidated.length ? `${r.dryRun ? 'would invalidate' : 'invalidated'} ${r.invalidated.join(' ')}` : 'nothing to invalidate'} (${(elapsed() / 1000).toFixed(1)}s).`,
  );
  io.result({ ...r }, r.websiteUrl);
  return EXIT.ok;
};
